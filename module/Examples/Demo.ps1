<#
.SYNOPSIS
    A guided run of CallRecordingAdmin on a new embedded store: service areas, extensions, roles,
    recording requests through their clause 2.2 checks, and the audit chain.
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
$store = New-RecordingStore -Path $StorePath -Identity $admin
Connect-RecordingStore -Path $store.Path -Identity $admin
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
$csv = Join-Path $store.Path 'extensions-import.csv'
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
    @{ Principal = 'UNI\ns-manager'; Role = 'NetworkServicesManager' }
    @{ Principal = 'UNI\dpo'; Role = 'DataProtectionOfficer' }
    @{ Principal = 'UNI\security'; Role = 'SecurityTeam' }
    @{ Principal = 'UNI\pci-dss'; Role = 'PciDssTeam' }
    @{ Principal = 'UNI\auditor'; Role = 'Auditor' }
    @{ Principal = 'UNI\sup-students'; Role = 'Supervisor'; ServiceArea = 'Student Enquiries' }
    @{ Principal = 'UNI\sup-itsd'; Role = 'Supervisor'; ServiceArea = 'IT Service Desk' }
) | ForEach-Object { Add-RecordingRole @_ } | Out-Null
Get-RecordingRole | Show

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
    -Purpose StaffProtection -AccessLevel 'Supervisor=Play' -RetentionDays 90 -Until (Get-Date).AddDays(21) `
    -DpiaReference 'DPIA-2026-030' -DpoAdvice 'Time-limited: fine.'
Get-RecordingRequest | Show

Connect-RecordingStore -Path $store.Path -Identity 'UNI\ns-manager'
Approve-RecordingRequest -RequestId $plain.RequestId -Comment 'Approved at UC board' | Out-Null
Write-Host "Approved $($plain.RequestId) for Student Enquiries."
Approve-RecordingRequest -RequestId $fundraising.RequestId -ErrorAction SilentlyContinue -ErrorVariable refusedApproval
Write-Host "Refused: [$($refusedApproval[0].FullyQualifiedErrorId.Split(',')[0])] $($refusedApproval[0].Exception.Message)" -ForegroundColor Yellow

Connect-RecordingStore -Path $store.Path -Identity 'UNI\security'
Add-RequestConsultation -RequestId $fundraising.RequestId -Team SecurityTeam -Outcome Supported -Notes 'Recorder on the secure VLAN.' | Out-Null
Connect-RecordingStore -Path $store.Path -Identity 'UNI\pci-dss'
Add-RequestConsultation -RequestId $fundraising.RequestId -Team PciDssTeam -Outcome SupportedWithMitigations `
    -Mitigation 'Pause recording while card details are taken', 'DTMF masking on the payment line' | Out-Null
Write-Host 'Security and PCI DSS consultations recorded.'

Connect-RecordingStore -Path $store.Path -Identity 'UNI\ns-manager'
Approve-RecordingRequest -RequestId $fundraising.RequestId -Comment 'Mitigations in place' | Out-Null
Approve-RecordingRequest -RequestId $campaign.RequestId | Out-Null
Write-Host 'Fundraising approved now that both consultations support it; the time-limited IT Service Desk request approved too.'
Get-RecordingRequest | Show
Write-Host 'Authorisations ending within 30 days (what a reminder runbook looks for):'
Get-RecordingRequest -ExpiringWithinDays 30 | Select-Object RequestId, ServiceArea, Until | Show
Get-RecordingRequest -RequestId $fundraising.RequestId | Format-List RequestId, ServiceArea, Status, Purposes, AccessLevels, Consultations, DecidedBy, History | Out-String | Write-Host

Step 'Service areas are now authorised by their requests'
Connect-RecordingStore -Path $store.Path -Identity $admin
Get-ServiceArea | Show

Step 'The audit chain'
Get-AuditEvent | Select-Object -Last 6 | Show
$checkpoint = Export-AuditCheckpoint -Path (Join-Path $store.Path 'audit-checkpoint.json')
Test-AuditChain -Checkpoint $checkpoint.Path | Show
Test-RecordingStore | Show

Write-Host "The demo store is at $($store.Path)" -ForegroundColor Green
Write-Host "Explore it with: Import-Module '$ModulePath'; Connect-RecordingStore '$($store.Path)' -Identity '$admin'" -ForegroundColor Green
