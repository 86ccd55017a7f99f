<#
.SYNOPSIS
    Generates the module's MAML help (en-US/OrderMonitoring.Cmdlets.dll-Help.xml) and about topics from docs/.

.DESCRIPTION
    platyPS is not served here, so this small generator does its job: the readable source is markdown in
    docs/commands/<Cmdlet>.md (platyPS's layout: SYNOPSIS, DESCRIPTION, EXAMPLES, PARAMETERS, INPUTS, OUTPUTS,
    NOTES, RELATED LINKS); parameter types, sets, positions and pipeline input come from the cmdlet metadata of the
    staged module, so the help never disagrees with the code about what a parameter is.
    build.ps1 runs it in a fresh pwsh (it imports the binary module, which cannot be unloaded).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $DocsDirectory
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'HelpMarkdown.psm1') -Force

$module = Import-Module $ModuleManifest -PassThru
$moduleDir = Split-Path $ModuleManifest
$culture = Join-Path $moduleDir 'en-US'
$null = New-Item -ItemType Directory -Path $culture -Force

# -WhatIf and -Confirm stay in the help, as platyPS keeps them; only the ubiquitous common parameters are left out.
$commonParameters = [System.Management.Automation.Cmdlet]::CommonParameters
$missing = [System.Collections.Generic.List[string]]::new()

$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$helpPath = Join-Path $culture 'OrderMonitoring.Cmdlets.dll-Help.xml'
$writer = [System.Xml.XmlWriter]::Create($helpPath, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($name in $module.ExportedCmdlets.Keys | Sort-Object) {
        $file = Join-Path $DocsDirectory "commands/$name.md"
        if (-not (Test-Path $file)) { $missing.Add($name); continue }
        $doc = Read-CommandMarkdown -Path $file
        if ($doc.Name -ne $name) { throw "$file documents '$($doc.Name)', not '$name'." }
        $command = Get-Command -Name $name -Module $module.Name
        Write-CommandMaml -Writer $writer -Command $command -Doc $doc -CommonParameters $commonParameters
    }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally {
    $writer.Dispose()
}

foreach ($about in Get-ChildItem (Join-Path $DocsDirectory 'about') -Filter 'about_*.md' -ErrorAction Ignore) {
    $text = ConvertTo-AboutHelpText -Path $about.FullName
    Set-Content -Path (Join-Path $culture "$($about.BaseName).help.txt") -Value $text -Encoding utf8
}

if ($missing.Count -gt 0) {
    Write-Warning "No help markdown for: $($missing -join ', ') (add docs/commands/<Cmdlet>.md)."
}
