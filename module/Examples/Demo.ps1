param($ModulePath, $StorePath) Import-Module (Join-Path $ModulePath CallRecordingAdmin.psd1); New-RecordingStore $StorePath | Connect-RecordingStore; Get-RecordingStore
