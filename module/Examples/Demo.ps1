<#
.SYNOPSIS
    A guided run of CallRecordingAdmin on a new embedded store: service areas, extensions, roles,
    recording requests through their clause 2.2 checks, encrypted recordings, nominated access, legal
    holds and extraction, a subject access request, the retention purge, and the audit chain.
.PARAMETER StorePath
    Where to create the demo store; it must be empty or not exist.
.PARAMETER ModulePath
    The module folder to import (default: the folder this script ships in).
.EXAMPLE
    ./Demo.ps1 -StorePath ./demo-store
#>
param(
    [Parameter(Mandatory)] [string] $StorePath,
    [string] $ModulePath = (Split-Path $PSScriptRoot -Parent)
)
$ErrorActionPreference = 'Stop'
$WarningPreference = 'SilentlyContinue'
Import-Module (Join-Path $ModulePath 'CallRecordingAdmin.psd1') -Force

function Step([string] $Text) { Write-Host ''; Write-Host "== $Text" -ForegroundColor Cyan }
function Show { $input | Format-Table -AutoSize | Out-String -Width 200 | Write-Host }

$admin = 'UNI\uc-admin'
Step "Creating a store at $StorePath, with $admin as its first Administrator"
$store = New-RecordingStore -Path $StorePath -Identity $admin -SharedOsAccount   # one account plays every role in this demo
Connect-RecordingStore -Path $store.Path -Identity $admin
# Working files (the recorder's export, case folders, checkpoints) live beside the store: no cmdlet writes inside it.
$work = $store.Path.TrimEnd('/', '\') + '-work'
New-Item -ItemType Directory $work -Force | Out-Null
Get-RecordingStore | Format-List | Out-String | Write-Host

Step 'Service areas, each with its local retention (clause 2.5) and customer notice (2.4)'
New-ServiceArea -Name 'Student Enquiries' -RetentionMonths 6 -AutomatedNotice -Description 'Student Services contact centre' `
    -CustomerNotice 'Calls are recorded for quality, training and to resolve complaints.' | Out-Null
New-ServiceArea -Name 'Fundraising' -RetentionMonths 12 -Description 'Alumni and donor telephone campaigns' `
    -CustomerNotice 'Calls are recorded to verify your agreement and for training.' | Out-Null
New-ServiceArea -Name 'IT Service Desk' -RetentionDays 90 -AutomatedNotice -Description 'IT Services first-line support' `
    -CustomerNotice 'Calls are recorded for quality and to protect our staff.' | Out-Null
Get-ServiceArea | Show

Step 'Recorded extensions from a CSV (clause 2.3: constant recording needs a non-recorded alternative)'
$csv = Join-Path $work 'extensions-import.csv'
@'
Number,ServiceArea,Mode,Labelled,NonRecordedAlternative
4100,Student Enquiries,Constant,True,4199
4101,Student Enquiries,Constant,True,4199
5200,Fundraising,OnDemand,True,
5201,Fundraising,OnDemand,False,
4521,IT Service Desk,Constant,True,4599
4522,IT Service Desk,Constant,False,
'@ | Set-Content $csv
Import-Csv $csv | Add-RecordedExtension -ErrorAction SilentlyContinue -ErrorVariable refused | Out-Null
foreach ($e in $refused) { Write-Host "Refused row: $($e.Exception.Message)" -ForegroundColor Yellow }
Get-RecordedExtension | Show

Step 'Roles: who decides, who is consulted, who supervises, who audits'
@(
    @{ Principal = 'UNI\uc-admin2'; Role = 'Administrator' }
    @{ Principal = 'UNI\ns-manager'; Role = 'NetworkServicesManager' }
    @{ Principal = 'UNI\dpo'; Role = 'DataProtectionOfficer' }
    @{ Principal = 'UNI\security'; Role = 'SecurityTeam' }
    @{ Principal = 'UNI\pci-dss'; Role = 'PciDssTeam' }
    @{ Principal = 'UNI\auditor'; Role = 'Auditor' }
    @{ Principal = 'UNI\sup-students'; Role = 'Supervisor'; ServiceArea = 'Student Enquiries' }
    @{ Principal = 'UNI\sup-itsd'; Role = 'Supervisor'; ServiceArea = 'IT Service Desk' }
) | ForEach-Object { Add-RecordingRole @_ } | Out-Null
Get-RecordingRole | Show
Add-RecordingRole -Principal $admin -Role DataProtectionOfficer -ErrorAction SilentlyContinue -ErrorVariable selfGrant
Write-Host "Refused: [$($selfGrant[0].FullyQualifiedErrorId.Split(',')[0])] $($selfGrant[0].Exception.Message)" -ForegroundColor Yellow

Step 'Recording requests (clause 2.2)'
$requestsBy = 'UNI\head-of-service'
Connect-RecordingStore -Path $store.Path -Identity $requestsBy
$plain = New-RecordingRequest -ServiceArea 'Student Enquiries' -BusinessReason 'Resolve complaints about advice given and train new advisers.' `
    -Purpose DisputeOrComplaint, Training, QualityMonitoring -AccessLevel @{ Supervisor = 'Play', 'Download'; Adviser = 'Play' } `
    -RetentionMonths 6 -DpiaReference 'DPIA-2026-014' -DpoAdvice 'Proportionate; six months is enough.'
$fundraising = New-RecordingRequest -ServiceArea 'Fundraising' -BusinessReason 'Verify donors'' agreement to regular gifts taken by phone.' `
    -Purpose CustomerAgreement, DisputeOrComplaint -AccessLevel 'Supervisor=Play+Download; Caller=Play' -RetentionMonths 12 `
    -DpiaReference 'DPIA-2026-021' -DpoAdvice 'Supported if card details are never recorded.' -PaymentCardData -RelatedRegime PECR
$campaign = New-RecordingRequest -ServiceArea 'IT Service Desk' -BusinessReason 'Protect staff during the password-reset campaign.' `
    -Purpose StaffProtection -AccessLevel 'Supervisor=Play; CaseOfficer=Play+Download+Copy' -RetentionDays 90 -Until (Get-Date).AddDays(21) `
    -DpiaReference 'DPIA-2026-030' -DpoAdvice 'Time-limited: fine.'
Get-RecordingRequest | Show

Connect-RecordingStore -Path $store.Path -Identity 'UNI\ns-manager'
Approve-RecordingRequest -RequestId $plain.RequestId -EffectiveFrom '2024-02-06' -Reference 'NS/2024/03' -Comment 'Recording since 2024 under paper approval NS/2024/03' | Out-Null
Write-Host "Approved $($plain.RequestId) for Student Enquiries, bringing in its paper approval of 6 February 2024 (-EffectiveFrom)."
Approve-RecordingRequest -RequestId $fundraising.RequestId -ErrorAction SilentlyContinue -ErrorVariable refusedApproval
Write-Host "Refused: [$($refusedApproval[0].FullyQualifiedErrorId.Split(',')[0])] $($refusedApproval[0].Exception.Message)" -ForegroundColor Yellow

Connect-RecordingStore -Path $store.Path -Identity 'UNI\security'
Add-RequestConsultation -RequestId $fundraising.RequestId -Team SecurityTeam -Outcome Supported -Notes 'Recorder on the secure VLAN.' | Out-Null
Connect-RecordingStore -Path $store.Path -Identity 'UNI\pci-dss'
Add-RequestConsultation -RequestId $fundraising.RequestId -Team PciDssTeam -Outcome SupportedWithMitigations `
    -Mitigation 'Pause recording while card details are taken', 'DTMF masking on the payment line' | Out-Null
Write-Host 'Security and PCI DSS consultations recorded.'

Connect-RecordingStore -Path $store.Path -Identity 'UNI\ns-manager'
Approve-RecordingRequest -RequestId $fundraising.RequestId -EffectiveFrom ([datetime]::UtcNow.AddMonths(-8)) -Reference 'FR/2026/01' -Comment 'Mitigations in place; paper approval FR/2026/01' | Out-Null
Approve-RecordingRequest -RequestId $campaign.RequestId -EffectiveFrom ([datetime]::UtcNow.AddMonths(-6)) -Reference 'CAMP/2026/05' -Comment 'Campaign running since May' | Out-Null
Write-Host 'Fundraising approved now that both consultations support it; the time-limited IT Service Desk request approved too.'
Get-RecordingRequest | Show
Write-Host 'Authorisations ending within 30 days (what a reminder runbook looks for):'
Get-RecordingRequest -ExpiringWithinDays 30 | Select-Object RequestId, ServiceArea, Until | Show
Get-RecordingRequest -RequestId $fundraising.RequestId | Format-List RequestId, ServiceArea, Status, Purposes, AccessLevels, Consultations, DecidedBy, History | Out-String | Write-Host

Step 'Service areas are now authorised by their requests'
Connect-RecordingStore -Path $store.Path -Identity $admin
Get-ServiceArea | Show

Step 'Recordings: synthetic WAV calls from a recorder export, imported encrypted (clause 2.5)'
function New-DemoWav([string] $Path, [double] $Seconds, [int] $Hz) {
    $rate = 8000; $samples = [int]($rate * $Seconds)
    $ms = [System.IO.MemoryStream]::new(); $w = [System.IO.BinaryWriter]::new($ms)
    $w.Write([Text.Encoding]::ASCII.GetBytes('RIFF')); $w.Write([int](36 + $samples * 2)); $w.Write([Text.Encoding]::ASCII.GetBytes('WAVEfmt '))
    $w.Write([int]16); $w.Write([int16]1); $w.Write([int16]1); $w.Write([int]$rate); $w.Write([int]($rate * 2)); $w.Write([int16]2); $w.Write([int16]16)
    $w.Write([Text.Encoding]::ASCII.GetBytes('data')); $w.Write([int]($samples * 2))
    $step = 2 * [math]::PI * $Hz / $rate
    for ($i = 0; $i -lt $samples; $i++) { $w.Write([int16](6000 * [math]::Sin($step * $i))) }
    $w.Flush(); [IO.File]::WriteAllBytes($Path, $ms.ToArray())
}
$exportFolder = Join-Path $work 'recorder-export'
New-Item -ItemType Directory (Join-Path $exportFolder 'audio') -Force | Out-Null
$callers = '07700 900123', '+44 7700 900456', '447700900789', '0151 794 2000', '07700 900321'
$lines = @(
    @{ Ext = '4100'; Agents = 'UNI\adviser1', 'UNI\adviser2' }
    @{ Ext = '5200'; Agents = 'UNI\caller1' }
    @{ Ext = '4521'; Agents = 'UNI\analyst1', 'UNI\analyst2' }
)
$now = [datetime]::UtcNow
$rows = foreach ($n in 1..36) {
    $line = $lines[$n % 3]
    # Calls spread over the last 160 days: those already past their area's retention are refused on import (AlreadyExpired, clause 2.5).
    $start = $now.AddDays(-($n * 4.4)).AddMinutes($n * 17)
    $file = "audio/call-$n.wav"
    New-DemoWav (Join-Path $exportFolder $file) (1 + ($n % 4) * 0.5) (300 + 20 * $n)
    [pscustomobject]@{ CallId = "UC-$((1000 + $n))"; Extension = $line.Ext; StartTime = $start.ToString('o'); DurationSeconds = ''; Direction = ('Inbound', 'Outbound')[$n % 2]
        RemoteNumber = $callers[$n % $callers.Count]; Agent = $line.Agents[$n % $line.Agents.Count]; Path = $file }
}
New-DemoWav (Join-Path $exportFolder 'audio/stray.wav') 1 500
$rows = @($rows) + [pscustomobject]@{ CallId = 'UC-2001'; Extension = '4522'; StartTime = $now.AddDays(-1).ToString('o'); DurationSeconds = ''; Direction = 'Inbound'; RemoteNumber = '07700 900999'; Agent = 'UNI\analyst1'; Path = 'audio/stray.wav' }
$manifest = Join-Path $exportFolder 'manifest.csv'
$rows | Export-Csv $manifest -NoTypeInformation
$imported = Import-Recording -ManifestPath $manifest -ErrorAction SilentlyContinue -ErrorVariable importRefusals
Write-Host "Imported $(@($imported).Count) of $($rows.Count) calls."
foreach ($e in $importRefusals) { Write-Host "Refused: [$($e.FullyQualifiedErrorId.Split(',')[0])] $($e.Exception.Message)" -ForegroundColor Yellow }
Get-Recording -First 8 | Show
Write-Host "Calls from 07700 900123, however the recorder wrote the number:"
Get-Recording -RemoteNumber '+44 7700 900123' | Select-Object CallId, RemoteNumber, StartTime | Show

Step 'Nominated access (clause 3.1): grants, a purpose-bound download, a refusal, a playback record'
# Each nomination names a level of access from the area's approved request (clause 2.2), and is made by an Administrator for someone else.
Grant-RecordingAccess -Principal 'UNI\sup-students' -ServiceArea 'Student Enquiries' -Level Supervisor -Right Play, Download -Reason 'Area supervisor' | Out-Null
Grant-RecordingAccess -Principal 'UNI\coach' -ServiceArea 'Student Enquiries' -Level Adviser -Reason 'Adviser coach' | Out-Null
Grant-RecordingAccess -Principal 'UNI\coach' -ServiceArea 'Fundraising' -Level Caller -Right Play, Download -Reason 'Coach' -ErrorAction SilentlyContinue -ErrorVariable beyondLevel
Write-Host "Refused: [$($beyondLevel[0].FullyQualifiedErrorId.Split(',')[0])] $($beyondLevel[0].Exception.Message)" -ForegroundColor Yellow
Grant-RecordingAccess -Principal $admin -ServiceArea 'IT Service Desk' -Level CaseOfficer -Right Copy -Reason 'Case officer' -ErrorAction SilentlyContinue -ErrorVariable selfNomination
Write-Host "Refused: [$($selfNomination[0].FullyQualifiedErrorId.Split(',')[0])] $($selfNomination[0].Exception.Message)" -ForegroundColor Yellow
# Roles do not reach content: the Administrator who extracts a hold needs a Copy nomination, and the DPO who answers a
# subject access request needs Download, in every area concerned; another Administrator nominates them.
Connect-RecordingStore -Path $store.Path -Identity 'UNI\uc-admin2'
Grant-RecordingAccess -Principal $admin -ServiceArea 'IT Service Desk' -Level CaseOfficer -Right Copy -Reason 'Extracts legal holds' | Out-Null
@(
    @{ ServiceArea = 'Student Enquiries'; Level = 'Supervisor' }
    @{ ServiceArea = 'Fundraising'; Level = 'Supervisor' }
    @{ ServiceArea = 'IT Service Desk'; Level = 'CaseOfficer' }
) | ForEach-Object { Grant-RecordingAccess -Principal 'UNI\dpo' @_ -Right Download -Reason 'Answers subject access requests' } | Out-Null
Connect-RecordingStore -Path $store.Path -Identity $admin
Get-RecordingAccess | Show
$complaint = Get-Recording -ServiceArea 'Student Enquiries' -First 1
Connect-RecordingStore -Path $store.Path -Identity 'UNI\sup-students'
New-Item -ItemType Directory (Join-Path $work 'complaint-C4471') | Out-Null
$saved = Save-Recording -RecordingId $complaint.RecordingId -Destination (Join-Path $work 'complaint-C4471') -Purpose DisputeOrComplaint -Reason 'Complaint C-4471'
Write-Host "Saved $($saved.FullName) for complaint C-4471 (hash verified against import)."
Register-RecordingPlayback -RecordingId $complaint.RecordingId -Principal 'UNI\coach' -Purpose Training -Reason 'Coaching session' | Out-Null
Connect-RecordingStore -Path $store.Path -Identity 'UNI\adviser1'
Save-Recording -RecordingId $complaint.RecordingId -Destination (Join-Path $work 'nosy.wav') -Purpose Training -Reason 'curious' -ErrorAction SilentlyContinue -ErrorVariable refusedAccess
Write-Host "Refused: [$($refusedAccess[0].FullyQualifiedErrorId.Split(',')[0])] $($refusedAccess[0].Exception.Message)" -ForegroundColor Yellow
Connect-RecordingStore -Path $store.Path -Identity 'UNI\auditor'
Get-AccessLog | Show

Step 'A legal hold, its extraction to a case folder, an investigation and a subject access request (2.5, 3.2, 4.0)'
Connect-RecordingStore -Path $store.Path -Identity $admin
$abusive = Get-Recording -Agent 'UNI\analyst1' | Select-Object -First 2
$hold = New-LegalHold -CaseReference 'HR-2026-077' -Kind Disciplinary -Reason 'Abusive caller; staff protection case' -RetainUntil ([datetime]::UtcNow.AddYears(6))
$abusive | Add-LegalHoldRecording -HoldId $hold.HoldId | Out-Null
Get-LegalHold | Show
$caseFolder = Join-Path $work 'case-HR-2026-077'
Export-LegalHold -HoldId $hold.HoldId -Destination $caseFolder -RemoveFromStore | Format-List | Out-String | Write-Host
Test-LegalHoldExport -Path $caseFolder | Show
$stillHeld = Get-Recording -Agent 'UNI\analyst2' -Expired | Select-Object -First 1
if ($stillHeld) {
    $keep = New-LegalHold -CaseReference 'LEGAL-12' -Kind Legal -Reason 'Pending legal claim'
    $stillHeld | Add-LegalHoldRecording -HoldId $keep.HoldId | Out-Null
    Write-Host "Recording $($stillHeld.RecordingId) is past its retention but now on hold LEGAL-12."
}
New-InvestigationRequest -Subject 'UNI\analyst2' -Basis FacilityMonitoring -Justification 'Check the recorder works' -FormReference 'IAR-0' -ErrorAction SilentlyContinue -ErrorVariable notInvestigation
Write-Host "Refused: [$($notInvestigation[0].FullyQualifiedErrorId.Split(',')[0])] $($notInvestigation[0].Exception.Message)" -ForegroundColor Yellow
$sar = New-SubjectAccessRequest -Reference 'SAR-2026-114' -SubjectName 'Alex Example' -PhoneNumber '07700 900123' -ReceivedOn ([datetime]::Today.AddDays(-3))
Connect-RecordingStore -Path $store.Path -Identity 'UNI\dpo'
$answered = Export-SubjectAccessRequest -RequestId $sar.RequestId -Destination (Join-Path $work 'sar-SAR-2026-114')
Write-Host "Subject access request SAR-2026-114: due $($sar.DueOn.ToString('yyyy-MM-dd')), $($answered.RecordingsExported) recordings exported; index:"
Import-Csv (Join-Path $answered.ExportedTo 'index.csv') | Select-Object CallId, StartTime, Status | Show

Step 'Retention purge (clause 2.5): a forecast a year ahead, then the real run; the held recording survives'
Connect-RecordingStore -Path $store.Path -Identity $admin
Invoke-RetentionPurge -AsOf ([datetime]::UtcNow.AddYears(1)) | Show
Invoke-RetentionPurge | Show
Get-Recording | Group-Object ServiceArea | Select-Object Name, Count | Show
if ($stillHeld) { Write-Host "Held recording $($stillHeld.RecordingId) is still there: $((Get-Recording -RecordingId $stillHeld.RecordingId).State), OnHold=$((Get-Recording -RecordingId $stillHeld.RecordingId).OnHold)" }

Step 'The audit chain'
Get-AuditEvent | Select-Object -Last 6 | Show
$checkpoint = Export-AuditCheckpoint -Path (Join-Path $work 'audit-checkpoint.json')
Test-AuditChain -Checkpoint $checkpoint.Path | Show
Test-RecordingStore -Deep | Show

Step 'Staff and customer notices (clauses 2.3, 2.4), then the compliance report'
Connect-RecordingStore -Path $store.Path -Identity $admin
@'
ServiceArea,Principal,DisplayName,Email,Extension,Relation
Student Enquiries,UNI\adviser1,Ada Adviser,ada@uni.example,4100,Member
Student Enquiries,UNI\adviser2,Ben Adviser,ben@uni.example,4101,Member
Student Enquiries,UNI\finance-clerk,Fran Clerk,fran@uni.example,,FrequentCaller
IT Service Desk,UNI\analyst1,Ann Analyst,ann@uni.example,4521,Member
IT Service Desk,UNI\analyst2,Al Analyst,al@uni.example,4521,Member
Fundraising,UNI\caller1,Cal Caller,cal@uni.example,5200,Member
Student Enquiries,UNI\coach,Cora Coach,cora@uni.example,4100,Member
'@ | ConvertFrom-Csv | Add-ServiceAreaMember | Out-Null
Remove-ServiceAreaMember -ServiceArea 'Student Enquiries' -Principal 'UNI\coach' -Reason 'Left the University' -Confirm:$false
Write-Host 'UNI\coach left the University and is off the roster, but still holds a grant: the report says so.'
Get-ServiceAreaMember | Show
$today = [datetime]::UtcNow.Date
@(
    [pscustomobject]@{ Principal = 'UNI\adviser1'; ServiceArea = 'Student Enquiries'; Kind = 'Induction'; Date = $today.AddMonths(-2); Evidence = 'Induction checklist, signed' }
    [pscustomobject]@{ Principal = 'UNI\analyst1'; ServiceArea = 'IT Service Desk'; Kind = 'Induction'; Date = $today.AddMonths(-14); Evidence = 'Induction checklist, signed' }
    [pscustomobject]@{ Principal = 'UNI\analyst2'; ServiceArea = 'IT Service Desk'; Kind = 'Induction'; Date = $today.AddMonths(-3); Evidence = 'Induction checklist, signed' }
    [pscustomobject]@{ Principal = 'UNI\caller1'; ServiceArea = 'Fundraising'; Kind = 'Induction'; Date = $today.AddMonths(-5); Evidence = 'Campaign briefing sign-off' }
) | Register-StaffNotification | Out-Null
Write-Host 'Where each person stands (adviser2 has no induction notice, analyst1''s is 14 months old, the finance clerk was never told):'
Get-StaffNotification | Show
Register-NotificationMeasure -ServiceArea 'Fundraising' -Description 'Recording notice printed in the campaign letter and on the donation page' | Out-Null
Get-NotificationMeasure | Show

Write-Host 'The compliance report (an empty report would mean compliant):'
Get-ComplianceReport | Format-Table Clause, Severity, ServiceArea, Subject, Finding -Wrap | Out-String -Width 220 | Write-Host
$reportPath = Join-Path (Split-Path $store.Path -Parent) ((Split-Path $store.Path -Leaf) + '-compliance.html')
$report = Export-ComplianceReport -Path $reportPath -Force
Write-Host "Compliance report for the Director of IT Services: $($report.Path) ($($report.Findings) findings, $($report.High) high, $([math]::Round($report.SizeBytes / 1KB)) KB, self-contained)" -ForegroundColor Green

Write-Host "The demo store is at $($store.Path)" -ForegroundColor Green
Write-Host "Explore it with: Import-Module '$ModulePath'; Connect-RecordingStore '$($store.Path)' -Identity '$admin'" -ForegroundColor Green
