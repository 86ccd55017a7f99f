<#
.SYNOPSIS
    Runs the Pester suites against the staged module. build.ps1 starts it in a fresh pwsh process.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $ResultDirectory,
    [Parameter(Mandatory)] [string] $SummaryFile
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterManifest -Force

# Test files import the module from here, so they test exactly what build.ps1 staged.
$env:ORDERMONITORING_MODULE = $ModuleManifest

$config = New-PesterConfiguration
$config.Run.Path = $TestPath
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path $ResultDirectory 'pester.xml'

$result = Invoke-Pester -Configuration $config

# A block or file that fails outside an It still fails the run.
[pscustomobject]@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount + $result.NotRunCount
} | ConvertTo-Json | Set-Content -Path $SummaryFile -Encoding utf8
