#Requires -Version 7.0
<#
.SYNOPSIS
    Publishes the processor Lambda (net10.0, ReadyToRun for the function's architecture) and writes a byte-for-byte
    reproducible zip named order-processor-<architecture>-<first 12 hex of its SHA-256>.zip.
.DESCRIPTION
    Reproducible: entries sorted by path (ordinal), one fixed timestamp, fixed permissions (0644), no debug
    symbols, and the build is deterministic (see Directory.Build.props). The zip path is written to the pipeline.
.EXAMPLE
    dotnet pwsh build/Package-Processor.ps1 -OutputDirectory out/processor
#>
[CmdletBinding()]
param(
    [string] $OutputDirectory = 'out/processor',
    [string] $Configuration = 'Release',
    # Lambda's name for the instruction set (the template's ProcessorArchitecture): ReadyToRun code is compiled for it,
    # so the first invocation runs precompiled code instead of waiting for the JIT.
    [ValidateSet('arm64', 'x86_64')]
    [string] $Architecture = 'x86_64'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$repoRoot = Split-Path -Parent $PSScriptRoot
$project = Join-Path $repoRoot 'src/Processor/OrderMonitoring.Processor.csproj'
if (-not [IO.Path]::IsPathRooted($OutputDirectory)) {
    $OutputDirectory = Join-Path (Get-Location) $OutputDirectory
}
$runtime = @{ arm64 = 'linux-arm64'; x86_64 = 'linux-x64' }[$Architecture]
$staging = Join-Path $repoRoot "obj/package-processor/publish-$Architecture"

if (Test-Path $staging) { Remove-Item -Recurse -Force $staging }
& dotnet publish $project -c $Configuration -f net10.0 -r $runtime --self-contained false `
    -p:PublishReadyToRun=true -p:ContinuousIntegrationBuild=true -p:DebugType=none -o $staging --nologo -v quiet
if ($LASTEXITCODE -ne 0) { throw "dotnet publish of the processor failed (exit code $LASTEXITCODE)." }

Add-Type -AssemblyName System.IO.Compression
# The earliest time a zip can store; any fixed value works, this one says "not a real time" to a reader.
$fixedTime = [DateTimeOffset]::new(1980, 1, 1, 0, 0, 0, [TimeSpan]::Zero)
# Regular file, rw-r--r--, in the upper 16 bits as Unix zip tools expect.
$filePermissions = [Convert]::ToInt32('100644', 8) -shl 16

$files = Get-ChildItem -Path $staging -File -Recurse |
    Where-Object { $_.Extension -ne '.pdb' } |
    ForEach-Object { [pscustomobject]@{ Entry = [IO.Path]::GetRelativePath($staging, $_.FullName).Replace('\', '/'); Path = $_.FullName } }
$sorted = [Collections.Generic.List[object]]::new()
$files | ForEach-Object { $sorted.Add($_) }
$sorted.Sort([Comparison[object]] { param($a, $b) [string]::CompareOrdinal($a.Entry, $b.Entry) })
if ($sorted.Count -eq 0) { throw "The publish folder $staging is empty." }

$buffer = [IO.MemoryStream]::new()
$archive = [IO.Compression.ZipArchive]::new($buffer, [IO.Compression.ZipArchiveMode]::Create, $true)
try {
    foreach ($file in $sorted) {
        $entry = $archive.CreateEntry($file.Entry, [IO.Compression.CompressionLevel]::Optimal)
        $entry.LastWriteTime = $fixedTime
        $entry.ExternalAttributes = $filePermissions
        $target = $entry.Open()
        try {
            $source = [IO.File]::OpenRead($file.Path)
            try { $source.CopyTo($target) } finally { $source.Dispose() }
        } finally { $target.Dispose() }
    }
} finally { $archive.Dispose() }

$bytes = $buffer.ToArray()
$hash = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes)).ToLowerInvariant()
$null = New-Item -ItemType Directory -Force -Path $OutputDirectory
$zipPath = Join-Path $OutputDirectory "order-processor-$Architecture-$($hash.Substring(0, 12)).zip"
[IO.File]::WriteAllBytes($zipPath, $bytes)
Write-Host "Processor package: $zipPath ($($sorted.Count) files, $([math]::Round($bytes.Length / 1MB, 1)) MB, sha256 $hash)"
$zipPath
