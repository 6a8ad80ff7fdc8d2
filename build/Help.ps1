<#
.SYNOPSIS
    Writes the built module's help: MAML for every cmdlet, and about_CallRecordingAdmin_Errors from the ErrorId catalogue.

.DESCRIPTION
    Run by build.ps1 (Build) in a fresh pwsh, after the module is assembled in -ModuleOut. It imports the BUILT module.

    en-US/CallRecordingAdmin.dll-Help.xml is generated from the cmdlets' XML documentation comments and the
    module's own parameter metadata (platyPS is not available here). It fails if any cmdlet lacks a synopsis,
    an example, or a description of any parameter.

    en-US/about_CallRecordingAdmin_Errors.help.txt is rendered from the engine's ErrorId catalogue
    (src/CallRecordingAdmin.Engine/Policy/ErrorIds.cs), so the help can never disagree with it.

.PARAMETER ModuleOut
    The assembled module folder (out/CallRecordingAdmin).

.PARAMETER Configuration
    Release or Debug: which build's XML documentation file to read.

.EXAMPLE
    dotnet pwsh ./build/Help.ps1 -ModuleOut ./out/CallRecordingAdmin -Configuration Release
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleOut,
    [ValidateSet('Release', 'Debug')] [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$Root = Split-Path $PSScriptRoot -Parent

function Get-DocText([System.Xml.XmlNode] $node) {
    if ($null -eq $node) { return '' }
    (($node.InnerText -split "`n") | ForEach-Object { $_.Trim() }) -join ' ' -replace '\s+', ' ' | ForEach-Object Trim
}

function Write-CmdletHelp {
    $doc = [xml](Get-Content (Join-Path $Root "src/CallRecordingAdmin/bin/$Configuration/netstandard2.0/CallRecordingAdmin.xml") -Raw)
    $members = @{}
    foreach ($m in $doc.doc.members.member) { $members[$m.name] = $m }
    $ns = @{ maml = 'http://schemas.microsoft.com/maml/2004/10'; command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'; dev = 'http://schemas.microsoft.com/maml/dev/2004/10' }
    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $path = Join-Path $ModuleOut 'en-US/CallRecordingAdmin.dll-Help.xml'
    $w = [System.Xml.XmlWriter]::Create($path, $settings)
    $w.WriteStartDocument()
    $w.WriteStartElement('helpItems'); $w.WriteAttributeString('schema', 'maml')
    foreach ($ns2 in 'maml', 'command', 'dev') { $w.WriteAttributeString('xmlns', $ns2, $null, $ns[$ns2]) }
    $commonParameters = [System.Management.Automation.Internal.CommonParameters].GetProperties().Name + [System.Management.Automation.Internal.ShouldProcessParameters].GetProperties().Name
    $missing = [System.Collections.Generic.List[string]]::new()
    $pagingHelp = @{
        First             = 'Returns at most this many objects (paging).'
        Skip              = 'Skips this many objects before returning any (paging).'
        IncludeTotalCount = 'Also returns the total number of objects found, after the objects themselves.'
    }
    foreach ($cmd in Get-Command -Module CallRecordingAdmin -CommandType Cmdlet | Sort-Object Name) {
        $type = $cmd.ImplementingType
        $m = $members["T:$($type.FullName)"]
        $synopsis = Get-DocText $m.SelectSingleNode("summary/para[@type='synopsis']")
        $description = Get-DocText $m.SelectSingleNode("summary/para[@type='description']")
        $examples = @($m.SelectNodes('example'))
        if (-not $synopsis) { $missing.Add("$($cmd.Name): synopsis") }
        if ($examples.Count -eq 0) { $missing.Add("$($cmd.Name): example") }
        $w.WriteStartElement('command', 'command', $ns.command)
        $w.WriteStartElement('command', 'details', $ns.command)
        $w.WriteElementString('command', 'name', $ns.command, $cmd.Name)
        $w.WriteStartElement('maml', 'description', $ns.maml); $w.WriteElementString('maml', 'para', $ns.maml, $synopsis); $w.WriteEndElement()
        $w.WriteElementString('command', 'verb', $ns.command, $cmd.Verb)
        $w.WriteElementString('command', 'noun', $ns.command, $cmd.Noun)
        $w.WriteEndElement()
        $w.WriteStartElement('maml', 'description', $ns.maml); $w.WriteElementString('maml', 'para', $ns.maml, $description); $w.WriteEndElement()

        $paramDoc = @{}
        foreach ($p in $cmd.Parameters.Values) {
            if ($p.Name -in $commonParameters) { continue }
            $declaring = $type
            while ($declaring -and -not $declaring.GetProperty($p.Name, [System.Reflection.BindingFlags]'Public,Instance,DeclaredOnly')) { $declaring = $declaring.BaseType }
            $pm = if ($declaring) { $members["P:$($declaring.FullName).$($p.Name)"] }
            $text = if ($pm) { Get-DocText ($pm.SelectSingleNode("summary/para[@type='description']") ?? $pm.SelectSingleNode('summary')) } else { $pagingHelp[$p.Name] }
            if (-not $text) { $missing.Add("$($cmd.Name) -$($p.Name): description") }
            $paramDoc[$p.Name] = $text
        }
        function Write-Parameter($w, $p, $setInfo, $text) {
            $attr = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] } | Select-Object -First 1
            $pipeline = @(if ($attr.ValueFromPipeline) { 'ByValue' }; if ($attr.ValueFromPipelineByPropertyName) { 'ByPropertyName' })
            $w.WriteStartElement('command', 'parameter', $ns.command)
            $w.WriteAttributeString('required', ([string]$setInfo.IsMandatory).ToLowerInvariant())
            $w.WriteAttributeString('globbing', ([string][bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })).ToLowerInvariant())
            $w.WriteAttributeString('pipelineInput', $(if ($pipeline) { 'True (' + ($pipeline -join ', ') + ')' } else { 'False' }))
            $w.WriteAttributeString('position', $(if ($setInfo.Position -ge 0) { [string]$setInfo.Position } else { 'named' }))
            $w.WriteElementString('maml', 'name', $ns.maml, $p.Name)
            $w.WriteStartElement('maml', 'description', $ns.maml); $w.WriteElementString('maml', 'para', $ns.maml, $text); $w.WriteEndElement()
            $w.WriteStartElement('command', 'parameterValue', $ns.command); $w.WriteAttributeString('required', ($p.ParameterType -ne [switch]).ToString().ToLowerInvariant()); $w.WriteString($p.ParameterType.Name); $w.WriteEndElement()
            $w.WriteStartElement('dev', 'type', $ns.dev); $w.WriteElementString('maml', 'name', $ns.maml, $p.ParameterType.FullName); $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteStartElement('command', 'syntax', $ns.command)
        foreach ($set in $cmd.ParameterSets) {
            $w.WriteStartElement('command', 'syntaxItem', $ns.command)
            $w.WriteElementString('maml', 'name', $ns.maml, $cmd.Name)
            foreach ($sp in $set.Parameters) {
                if ($sp.Name -in $commonParameters) { continue }
                Write-Parameter $w $cmd.Parameters[$sp.Name] $sp $paramDoc[$sp.Name]
            }
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
        $w.WriteStartElement('command', 'parameters', $ns.command)
        foreach ($p in $cmd.Parameters.Values | Where-Object { $_.Name -notin $commonParameters }) {
            $setInfo = $cmd.ParameterSets.Parameters | Where-Object Name -eq $p.Name | Sort-Object { -[int]$_.IsMandatory } | Select-Object -First 1
            Write-Parameter $w $p $setInfo $paramDoc[$p.Name]
        }
        $w.WriteEndElement()
        $w.WriteStartElement('command', 'returnValues', $ns.command)
        foreach ($t in $cmd.OutputType) {
            $w.WriteStartElement('command', 'returnValue', $ns.command)
            $w.WriteStartElement('dev', 'type', $ns.dev); $w.WriteElementString('maml', 'name', $ns.maml, $t.Name); $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
        $w.WriteStartElement('command', 'examples', $ns.command)
        $i = 0
        foreach ($ex in $examples) {
            $i++
            $w.WriteStartElement('command', 'example', $ns.command)
            $w.WriteElementString('maml', 'title', $ns.maml, "-------------------------- Example $i --------------------------")
            $w.WriteElementString('dev', 'code', $ns.dev, $ex.code.Trim())
            $w.WriteStartElement('dev', 'remarks', $ns.dev); $w.WriteElementString('maml', 'para', $ns.maml, (Get-DocText $ex.SelectSingleNode('para'))); $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
        $w.WriteStartElement('command', 'relatedLinks', $ns.command)
        $w.WriteStartElement('maml', 'navigationLink', $ns.maml); $w.WriteElementString('maml', 'linkText', $ns.maml, 'about_CallRecordingAdmin'); $w.WriteEndElement()
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndDocument()
    $w.Close()
    if ($missing.Count -gt 0) { throw "Help is incomplete:`n  " + ($missing -join "`n  ") }
}

function Write-ErrorHelp {
    $engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'CallRecordingAdmin.Engine' } | Select-Object -First 1
    if (-not $engine) { throw 'The engine assembly is not loaded; the ErrorId catalogue cannot be read.' }
    $catalogue = $engine.GetType('CallRecordingAdmin.Engine.Policy.ErrorIds', $true)
    $entries = @($catalogue::All | Sort-Object Id)
    $logged = @{ Role = 'an AccessDenied event in the audit log, or a refusal row in the access log for recordings and grants'; Content = 'a refusal row in the access log'; Change = 'a refusal row in the access log (imports, nominations, reviews)' }
    $lines = [System.Collections.Generic.List[string]]::new()
    $lines.AddRange([string[]]@(
        'TOPIC'
        '    about_CallRecordingAdmin_Errors'
        ''
        'SHORT DESCRIPTION'
        '    Every ErrorId the CallRecordingAdmin cmdlets write: its category, the clause of the Call Recording'
        '    Policy it enforces (if any), and what it means.'
        ''
        'LONG DESCRIPTION'
        '    Every refusal or failure is an ErrorRecord whose FullyQualifiedErrorId begins with a stable ErrorId,'
        '    whose CategoryInfo.Category is the category below, and whose TargetObject is the item concerned.'
        '    A refusal for one item of a pipeline is non-terminating: the other items go on. Where a clause'
        '    applies, the message begins "Clause N.N:" and ErrorDetails.RecommendedAction names it.'
        ''
        '    Scripts act on the ErrorId, not on the message:'
        ''
        '        Save-Recording $id -Destination .\case -Purpose DisputeOrComplaint -Reason r -ErrorVariable failed -ErrorAction SilentlyContinue'
        '        if ($failed | Where-Object FullyQualifiedErrorId -like ''AccessReviewOverdue,*'') { ... }'
        ''
        '    Errors in binding parameters (ParameterArgumentValidationError, ParameterArgumentTransformationError,'
        '    MissingMandatoryParameter, ...) come from PowerShell itself, before a cmdlet runs.'
        ''
        "    This list is generated from the module's ErrorId catalogue ($($entries.Count) ErrorIds)."
        ''
        'ERRORS'
    ))
    foreach ($e in $entries) {
        $lines.Add("    $($e.Id)")
        $lines.Add("        Category: $($e.Kind)    Clause: $(if ($e.Clause) { $e.Clause } else { 'none' })")
        $lines.Add("        $($e.Meaning)")
        if ("$($e.Refusal)" -ne 'None') { $lines.Add("        Logged as $($logged["$($e.Refusal)"]).") }
        $lines.Add('')
    }
    $lines.AddRange([string[]]@('SEE ALSO', '    about_CallRecordingAdmin', '    Get-Help <cmdlet> -Full'))
    $path = Join-Path $ModuleOut 'en-US/about_CallRecordingAdmin_Errors.help.txt'
    [System.IO.File]::WriteAllLines($path, $lines, [System.Text.UTF8Encoding]::new($false))
}

Import-Module (Join-Path $ModuleOut 'CallRecordingAdmin.psd1') -Force
Write-CmdletHelp
Write-ErrorHelp
