<#
.SYNOPSIS
    Builds, tests, packages, demonstrates and benchmarks the OrderMonitoring module.

.DESCRIPTION
    The one entry point people need. Run it with the PowerShell that the repository pins as a local .NET tool:

        dotnet tool restore && dotnet pwsh ./build.ps1 test

    Tasks:
      build    Build every project and stage the module into out/OrderMonitoring (importable as it is).
      test     build, then every xunit project and every Pester suite (Pester in a fresh pwsh against the staged
               module); prints one closing line "Tests: N passed, N failed, N skipped" and fails if anything failed
               or nothing ran.
      package  build, then the Lambda zip and the module folder ready to publish (out/processor, out/OrderMonitoring).
      demo     The whole stack on a local moto server: deploy, send orders, process, read the audit log back.
      bench    Benchmarks (never timed assertions in tests): processor throughput, cmdlet speed, import time.

.EXAMPLE
    dotnet pwsh ./build.ps1 test

.EXAMPLE
    dotnet pwsh ./build.ps1 build -Configuration Debug
#>
#Requires -Version 7.4
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'package', 'demo', 'bench')]
    [string] $Task = 'build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$env:POWERSHELL_TELEMETRY_OPTOUT = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

$RepoRoot = $PSScriptRoot
$OutDir = Join-Path $RepoRoot 'out'
$ModuleStage = Join-Path $OutDir 'OrderMonitoring'
$Solution = Join-Path $RepoRoot 'OrderMonitoring.slnx'

. (Join-Path $RepoRoot 'build/BuildSupport.ps1')

function Invoke-BuildTask {
    Write-Step "Building ($Configuration)"
    Invoke-Native dotnet build $Solution -c $Configuration --nologo -v quiet '-clp:NoSummary;ErrorsOnly'

    Write-Step 'Staging the module'
    $publish = Join-Path $OutDir "publish/Cmdlets"
    Remove-Item $publish -Recurse -Force -ErrorAction Ignore
    Invoke-Native dotnet publish (Join-Path $RepoRoot 'src/Cmdlets/OrderMonitoring.Cmdlets.csproj') -c $Configuration --no-build -o $publish --nologo -v quiet
    # The loader (PowerShell 7 only) has no dependencies: its build output is all it needs.
    $loader = Join-Path $RepoRoot "src/Loader/bin/$Configuration/net10.0/OrderMonitoring.Loader.dll"
    Copy-ModuleStage -PublishDirectory $publish -LoaderAssembly $loader -Destination $ModuleStage

    Write-Step 'Packaging the processor Lambda'
    # The module carries the zip, so deploying a stack needs no .NET SDK.
    $processorOut = Join-Path $OutDir 'processor'
    Remove-Item $processorOut -Recurse -Force -ErrorAction Ignore
    $null = New-Item -ItemType Directory -Path (Join-Path $ModuleStage 'processor')
    # One zip per architecture the template offers (ProcessorArchitecture); New-OrderMonitoringStack uploads the one the stack runs on.
    foreach ($architecture in 'arm64', 'x86_64') {
        $zip = & (Join-Path $RepoRoot 'build/Package-Processor.ps1') -OutputDirectory $processorOut -Configuration $Configuration -Architecture $architecture
        Copy-Item $zip (Join-Path $ModuleStage 'processor')
    }

    Write-Step 'Generating help from docs/'
    # A fresh pwsh: generating help imports the binary module, which cannot be unloaded again.
    Invoke-Native (Get-ChildPwsh) -NoProfile -NonInteractive -File (Join-Path $RepoRoot 'build/New-ModuleHelp.ps1') `
        -ModuleManifest (Join-Path $ModuleStage 'OrderMonitoring.psd1') -DocsDirectory (Join-Path $RepoRoot 'docs')
    Write-Host "  module: $(Resolve-Path -Relative $ModuleStage)"
}

function Invoke-TestTask {
    Invoke-BuildTask
    Assert-TestPrerequisite
    Install-CompliancePackage

    $results = Join-Path $OutDir 'test-results'
    Remove-Item $results -Recurse -Force -ErrorAction Ignore
    $null = New-Item -ItemType Directory -Path $results

    Write-Step 'xunit'
    $xunitDir = Join-Path $results 'xunit'
    $projects = Invoke-XunitProject -ResultDirectory $xunitDir
    $xunit = Get-TrxSummary -Directory $xunitDir -Project $projects

    Write-Step 'Stand-in modules (older AWSSDK.Core builds, for the isolation tests)'
    $env:ORDERMONITORING_STANDIN_DIR = Publish-StandInModule -Destination (Join-Path $OutDir 'standin')

    Write-Step 'Pester (fresh pwsh, staged module)'
    $pester = Invoke-PesterSuite -ModuleManifest (Join-Path $ModuleStage 'OrderMonitoring.psd1') -ResultDirectory $results

    Write-Host ("  xunit:  {0} passed, {1} failed, {2} skipped" -f $xunit.Passed, $xunit.Failed, $xunit.Skipped)
    Write-Host ("  Pester: {0} passed, {1} failed, {2} skipped" -f $pester.Passed, $pester.Failed, $pester.Skipped)
    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    $skipped = $xunit.Skipped + $pester.Skipped
    $problems = @(
        if ($failed -gt 0) { "$failed test(s) failed" }
        foreach ($project in $xunit.ProjectsWithoutTests) { "xunit project $project ran no test (no test results)" }
        if ($xunit.Passed -eq 0 -or $pester.Passed -eq 0) { 'a test runner ran no test' }
    )
    $verdict = if ($problems) { 'FAILED: ' + ($problems -join '; ') } else { 'done' }
    Write-Host ("build.ps1 test: {0} in {1:0.0} s" -f $verdict, $started.Elapsed.TotalSeconds)
    # The one closing line CI and people read: always the last line of a test run.
    Write-Output ("Tests: {0} passed, {1} failed, {2} skipped" -f $passed, $failed, $skipped)
    if ($problems) { exit 1 }
}

function Invoke-PackageTask {
    # build already writes both artefacts: the reproducible Lambda zip and the module folder that carries it.
    Invoke-BuildTask
    Write-Step 'Packaged'
    Get-ChildItem (Join-Path $OutDir 'processor') -Filter '*.zip' | ForEach-Object { Write-Host "  lambda: $(Resolve-Path -Relative $_.FullName)" }
    Write-Host "  module: $(Resolve-Path -Relative $ModuleStage)"
}

function Invoke-DemoTask {
    Invoke-BuildTask
    Assert-TestPrerequisite
    Write-Step 'Demo: the whole stack on a local moto server'
    # A fresh pwsh: the demo imports the binary module, which cannot be unloaded again.
    Invoke-Native (Get-ChildPwsh) -NoProfile -NonInteractive -File (Join-Path $RepoRoot 'build/Demo.ps1') `
        -ModuleManifest (Join-Path $ModuleStage 'OrderMonitoring.psd1')
}

function Invoke-BenchTask {
    Invoke-BuildTask
    $benchmarks = Join-Path $RepoRoot 'Tests/OrderMonitoring.Benchmarks/OrderMonitoring.Benchmarks.csproj'
    # Every suite runs even when one misses its goal; the task fails at the end, naming the suites that missed.
    $missed = [System.Collections.Generic.List[string]]::new()
    foreach ($suite in Get-BenchmarkSuite) {
        Write-Step "Benchmark: $suite"
        Invoke-NativeAllowFailure dotnet run -c $Configuration --project $benchmarks --no-build -- $suite
        if ($LASTEXITCODE -ne 0) { $missed.Add($suite) }
    }
    Write-Step 'Benchmark: module import time'
    $importMet = & (Join-Path $RepoRoot 'build/Measure-ImportTime.ps1') -ModuleManifest (Join-Path $ModuleStage 'OrderMonitoring.psd1')
    if (-not $importMet) { $missed.Add('import time') }
    if ($missed.Count -gt 0) { throw "Benchmark suite(s) missed a goal or failed: $($missed -join ', ')." }
}

$started = [System.Diagnostics.Stopwatch]::StartNew()
try {
    switch ($Task) {
        'build' { Invoke-BuildTask }
        'test' { Invoke-TestTask; exit 0 } # its closing line is the Tests line
        'package' { Invoke-PackageTask }
        'demo' { Invoke-DemoTask }
        'bench' { Invoke-BenchTask }
    }
    Write-Host ("build.ps1 {0}: done in {1:0.0} s" -f $Task, $started.Elapsed.TotalSeconds)
}
catch {
    Write-Host ("build.ps1 {0}: FAILED after {1:0.0} s: {2}" -f $Task, $started.Elapsed.TotalSeconds, $_.Exception.Message)
    exit 1
}
