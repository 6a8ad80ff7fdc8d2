@{
    RootModule           = 'CallRecordingAdmin.dll'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Core', 'Desktop')
    GUID                 = '4f6b8a4e-2f0c-4b52-9a8e-6b1d3c0e7a15'
    Author               = 'University IT Services'
    CompanyName          = 'University IT Services'
    Copyright            = '(c) University IT Services. MIT licence.'
    Description          = 'Administers call recording under the University Call Recording Policy: service areas and recorded extensions, recording requests and their approval, encrypted recordings and their retention purge, nominated access with its annual review and access log, and a hash-chained audit log.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('CallRecordingAdmin.format.ps1xml')
    TypesToProcess       = @('CallRecordingAdmin.types.ps1xml')
    CmdletsToExport      = @(
        'New-RecordingStore', 'Connect-RecordingStore', 'Disconnect-RecordingStore', 'Get-RecordingStore', 'Test-RecordingStore', 'Backup-RecordingStore',
        'Add-RecordingRole', 'Get-RecordingRole', 'Remove-RecordingRole',
        'New-ServiceArea', 'Get-ServiceArea', 'Set-ServiceArea', 'Remove-ServiceArea',
        'Add-RecordedExtension', 'Get-RecordedExtension', 'Set-RecordedExtension', 'Remove-RecordedExtension',
        'New-RecordingRequest', 'Set-RecordingRequest', 'Add-RequestConsultation', 'Approve-RecordingRequest', 'Deny-RecordingRequest', 'Stop-RecordingRequest', 'Get-RecordingRequest',
        'Import-Recording', 'Get-Recording', 'Save-Recording', 'Copy-Recording', 'Remove-Recording', 'Invoke-RetentionPurge',
        'Grant-RecordingAccess', 'Revoke-RecordingAccess', 'Get-RecordingAccess', 'Confirm-RecordingAccess', 'Register-RecordingPlayback', 'Get-AccessLog', 'Export-AccessLog',
        'New-LegalHold', 'Add-LegalHoldRecording', 'Get-LegalHold', 'Remove-LegalHold', 'Export-LegalHold', 'Test-LegalHoldExport',
        'New-InvestigationRequest', 'Approve-InvestigationRequest', 'Deny-InvestigationRequest', 'Get-InvestigationRequest',
        'New-SubjectAccessRequest', 'Get-SubjectAccessRequest', 'Export-SubjectAccessRequest',
        'Get-AuditEvent', 'Test-AuditChain', 'Export-AuditCheckpoint',
        'Add-ServiceAreaMember', 'Get-ServiceAreaMember', 'Remove-ServiceAreaMember', 'Register-StaffNotification', 'Get-StaffNotification',
        'Register-NotificationMeasure', 'Get-NotificationMeasure', 'Get-ComplianceReport', 'Export-ComplianceReport',
        'Connect-RecordingGraph', 'Disconnect-RecordingGraph', 'Sync-RecordingAccess', 'Import-GraphCallRecord', 'Test-RecordingAccess',
        'Sync-ServiceAreaMember', 'Send-StaffNotification',
        'Update-RecordingFormat'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('CallRecording', 'Telephony', 'GDPR', 'Retention', 'Audit', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = 'First version: store, roles, service areas and recorded extensions (2.1, 2.3, 2.4), recording requests (2.2), encrypted recordings and the retention purge (2.5), nominated access, reviews and the access log (3.1), legal holds and extraction, investigations (3.2), subject access requests, and the audit chain.'
        }
    }
}
