# Helpers for build.ps1: running tools, staging the module, prerequisites and test summaries.
# Dot-sourced by build.ps1; expects $RepoRoot, $OutDir and $Configuration from it.

function Write-Step([string] $Message) {
    Write-Host "==> $Message"
}

function Invoke-Native {
    <# Runs a program and fails the build when it exits non-zero. A plain function on purpose: an advanced one
       would take a tool's own -v or -c switches for PowerShell's common parameters. #>
    $command, $arguments = $args
    & $command @arguments
    if ($LASTEXITCODE -ne 0) { throw "'$command $($arguments -join ' ')' exited with code $LASTEXITCODE." }
}

function Invoke-NativeAllowFailure {
    <# Runs a program whose exit code the caller judges itself (dotnet test fails on a failing test). #>
    $command, $arguments = $args
    & $command @arguments
}

function Copy-ModuleStage {
    <#
    Lays the module out as users install it: manifest, root script, loader, assemblies, format and help files, template,
    processor zip. One folder: PowerShell's default load context never probes it (only the loader is loaded from it
    by path), and the module's own load context resolves the dependencies from it.
    #>
    param([string] $PublishDirectory, [string] $LoaderAssembly, [string] $Destination)

    Remove-Item $Destination -Recurse -Force -ErrorAction Ignore
    $null = New-Item -ItemType Directory -Path $Destination
    Copy-Item (Join-Path $RepoRoot 'OrderMonitoring.psd1') $Destination
    Copy-Item (Join-Path $RepoRoot 'OrderMonitoring.psm1') $Destination
    Copy-Item $LoaderAssembly $Destination
    Copy-Item (Join-Path $RepoRoot 'LICENSE') $Destination

    # PowerShell itself provides System.Management.Automation; shipping a copy would shadow the host's.
    Get-ChildItem $PublishDirectory -File |
        Where-Object { $_.Extension -in '.dll', '.pdb', '.json' -and $_.Name -notlike 'System.Management.Automation*' } |
        Copy-Item -Destination $Destination

    foreach ($format in Get-ChildItem (Join-Path $RepoRoot 'src/Cmdlets') -Filter '*.Format.ps1xml' -ErrorAction Ignore) {
        Copy-Item $format.FullName $Destination
    }
    $templates = Join-Path $RepoRoot 'templates'
    if (Get-ChildItem $templates -Filter '*.json' -ErrorAction Ignore) {
        $null = New-Item -ItemType Directory -Path (Join-Path $Destination 'templates')
        Copy-Item (Join-Path $templates '*.json') (Join-Path $Destination 'templates')
    }
}

function Publish-StandInModule {
    <#
    Publishes the stand-ins for AWS.Tools (Tests/StandInModules: binary modules pinned to AWSSDK.Core 4.0.x and 3.7.x)
    to <Destination>/<Name>, and returns Destination. Test-only: never part of the module or the solution.
    #>
    param([string] $Destination)
    Remove-Item $Destination -Recurse -Force -ErrorAction Ignore
    foreach ($project in Get-ChildItem (Join-Path $RepoRoot 'Tests/StandInModules') -Filter 'StandIn.*.csproj' -Recurse) {
        Invoke-Native dotnet publish $project.FullName -c $Configuration -o (Join-Path $Destination $project.BaseName) --nologo -v quiet '-clp:NoSummary;ErrorsOnly'
    }
    return $Destination
}

function Get-ChildPwsh {
    <# The pwsh beside the running one (inside the local tool, the process path is the dotnet host). #>
    return Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
}

function Get-BenchmarkSuite {
    <# The suites the benchmark console offers; it lists them itself so build.ps1 never falls out of step. #>
    $benchmarks = Join-Path $RepoRoot 'Tests/OrderMonitoring.Benchmarks/OrderMonitoring.Benchmarks.csproj'
    $suites = & dotnet run -c $Configuration --project $benchmarks --no-build -- --list
    if ($LASTEXITCODE -ne 0) { throw 'The benchmark console could not list its suites.' }
    return @($suites | Where-Object { $_ -match '^\w+$' })
}

function Get-PythonCommand {
    foreach ($name in 'python3', 'python') {
        $command = Get-Command $name -CommandType Application -ErrorAction Ignore | Select-Object -First 1
        if ($command) { return $command.Source }
    }
    return $null
}

function Assert-TestPrerequisite {
    <# Tests need moto (local AWS) and cfn-lint from Python; install them with pip where missing. #>
    $missing = @(
        if (-not (Get-Command moto_server -CommandType Application -ErrorAction Ignore)) { 'moto[server]' }
        if (-not (Get-Command cfn-lint -CommandType Application -ErrorAction Ignore)) { 'cfn-lint' }
    )
    if ($missing.Count -eq 0) { return }

    $python = Get-PythonCommand
    $advice = "Install them with: python3 -m pip install --user $($missing -join ' ') (and put pip's script folder on PATH)."
    if (-not $python) { throw "Tests need Python 3 with $($missing -join ' '). $advice" }
    Write-Step "Installing $($missing -join ', ') with pip"
    & $python -m pip install --user --quiet @missing
    if ($LASTEXITCODE -ne 0) { throw "pip could not install $($missing -join ' '). $advice" }
    foreach ($name in 'moto_server', 'cfn-lint') {
        if (-not (Get-Command $name -CommandType Application -ErrorAction Ignore)) {
            throw "'$name' is installed but not on PATH. Add pip's user script folder to PATH. $advice"
        }
    }
}

function Install-CompliancePackage {
    <#
    The rule-pack test (cdk-nag over the template) runs on Node.js with the packages pinned in
    Tests/Compliance/package-lock.json. npm ci installs exactly those when node_modules is missing or older than the lock.
    #>
    $folder = Join-Path $RepoRoot 'Tests/Compliance'
    $lock = Join-Path $folder 'package-lock.json'
    $installed = Join-Path $folder 'node_modules/.package-lock.json'
    if ((Test-Path $installed) -and (Get-Item -Force $installed).LastWriteTimeUtc -ge (Get-Item $lock).LastWriteTimeUtc) { return }

    foreach ($name in 'node', 'npm') {
        if (-not (Get-Command $name -CommandType Application -ErrorAction Ignore)) {
            throw "The rule-pack test needs Node.js 20 or later with npm ('$name' is not on PATH)."
        }
    }
    Write-Step 'Installing the rule-pack checker (npm ci in Tests/Compliance)'
    Push-Location $folder
    try { Invoke-Native npm ci --no-audit --no-fund --loglevel error }
    finally { Pop-Location }
}

function Get-PesterManifest {
    <# Pester comes from its NuGet package (no PowerShell Gallery here); build/tools.csproj pins the version. #>
    $tools = Join-Path $RepoRoot 'build/tools.csproj'
    Invoke-Native dotnet restore $tools --nologo -v quiet
    $packageRoot = (& dotnet msbuild $tools -getProperty:NuGetPackageRoot -nologo).Trim()
    if ($LASTEXITCODE -ne 0 -or -not $packageRoot) { throw 'Could not find the NuGet package folder.' }
    $version = ([xml](Get-Content -Raw $tools)).Project.ItemGroup.PackageDownload |
        Where-Object Include -EQ 'Pester' | ForEach-Object { $_.Version.Trim('[', ']') }
    $manifest = Join-Path $packageRoot "pester/$version/tools/Pester.psd1"
    if (-not (Test-Path $manifest)) { throw "Pester $version was restored but $manifest is missing." }
    return $manifest
}

function Invoke-XunitProject {
    <#
    Runs every xunit project, each with its own results folder (TRX file names are not unique per project), and returns
    the project names.
    #>
    param([string] $ResultDirectory)
    foreach ($project in Get-ChildItem (Join-Path $RepoRoot 'Tests') -Filter '*.Tests.csproj' -Recurse) {
        $name = $project.BaseName
        # A failing test makes dotnet test exit non-zero; the TRX counters decide the outcome, and a project that
        # wrote no TRX (its test host never started or died early) fails the run in Get-TrxSummary.
        Invoke-NativeAllowFailure dotnet test $project.FullName -c $Configuration --no-build --nologo `
            --logger 'trx' --logger 'console;verbosity=minimal' --results-directory (Join-Path $ResultDirectory $name) | Out-Host
        $name
    }
}

function Get-TrxSummary {
    <# Sums the counters of every TRX file dotnet test wrote, and names the projects that recorded no test. #>
    param([string] $Directory, [string[]] $Project)
    $summary = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0; ProjectsWithoutTests = [System.Collections.Generic.List[string]]::new() }
    foreach ($name in $Project) {
        $ran = 0
        foreach ($file in Get-ChildItem (Join-Path $Directory $name) -Filter '*.trx' -Recurse -ErrorAction Ignore) {
            $counters = ([xml](Get-Content -Raw $file.FullName)).TestRun.ResultSummary.Counters
            $summary.Passed += [int]$counters.passed
            $summary.Failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
            $summary.Skipped += [int]$counters.notExecuted
            $ran += [int]$counters.total
        }
        if ($ran -eq 0) { $summary.ProjectsWithoutTests.Add($name) }
    }
    return $summary
}

function Invoke-PesterSuite {
    <# Runs Tests/Pester in a fresh pwsh (a binary module cannot be unloaded) and returns its counts. #>
    param([string] $ModuleManifest, [string] $ResultDirectory)
    $pester = Get-PesterManifest
    $summaryFile = Join-Path $ResultDirectory 'pester-summary.json'
    & (Get-ChildPwsh) -NoProfile -NonInteractive -File (Join-Path $RepoRoot 'build/Invoke-PesterSuite.ps1') `
        -PesterManifest $pester -ModuleManifest $ModuleManifest -TestPath (Join-Path $RepoRoot 'Tests/Pester') `
        -ResultDirectory $ResultDirectory -SummaryFile $summaryFile | Out-Host
    if (-not (Test-Path $summaryFile)) {
        throw "The Pester run ended (exit code $LASTEXITCODE) without writing its summary."
    }
    return Get-Content -Raw $summaryFile | ConvertFrom-Json
}
