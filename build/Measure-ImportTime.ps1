<#
.SYNOPSIS
    Benchmark: what Import-Module OrderMonitoring adds to a bare pwsh start (goal: at most 300 ms).
.DESCRIPTION
    Starts pwsh -NoProfile N times bare and N times importing the staged module, alternating so that machine load
    hits both alike, and compares the medians. A benchmark, not a test: it prints and returns whether the goal was met (build.ps1 bench fails when not).
#>
[CmdletBinding()]
[OutputType([bool])]
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [int] $Runs = 9,
    [int] $GoalMilliseconds = 300
)

$ErrorActionPreference = 'Stop'
$pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')

function Measure-Start([string] $Command) {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    & $pwsh -NoProfile -NonInteractive -Command $Command
    if ($LASTEXITCODE -ne 0) { throw "pwsh -Command '$Command' exited with $LASTEXITCODE." }
    return $watch.Elapsed.TotalMilliseconds
}

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    return $sorted[[int][math]::Floor($sorted.Count / 2)]
}

# One warm-up of each, so file caches and the first-start cost of the tool do not count.
$null = Measure-Start 'exit 0'
$import = "Import-Module '$ModuleManifest'; exit 0"
$null = Measure-Start $import

$bare = [System.Collections.Generic.List[double]]::new()
$withModule = [System.Collections.Generic.List[double]]::new()
for ($i = 0; $i -lt $Runs; $i++) {
    $bare.Add((Measure-Start 'exit 0'))
    $withModule.Add((Measure-Start $import))
}

$bareMedian = Get-Median $bare
$moduleMedian = Get-Median $withModule
$added = $moduleMedian - $bareMedian
$verdict = if ($added -le $GoalMilliseconds) { 'meets the goal' } else { 'MISSES the goal' }
Write-Host ('Import time ({0} runs each, medians): bare pwsh {1:0} ms, with Import-Module {2:0} ms, added {3:0} ms (goal <= {4} ms: {5})' -f `
    $Runs, $bareMedian, $moduleMedian, $added, $GoalMilliseconds, $verdict)
# The caller (build.ps1 bench) fails the run when the goal is missed, as it does for the other benchmark suites.
return ($added -le $GoalMilliseconds)
