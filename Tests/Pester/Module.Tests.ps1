# The module as users get it: a valid manifest, a clean import, exactly the cmdlets the manifest promises.
BeforeAll {
    $script:ManifestPath = $env:ORDERMONITORING_MODULE
    if (-not $script:ManifestPath) { throw 'Run through build.ps1 test (ORDERMONITORING_MODULE names the staged manifest).' }
    $script:ModuleDir = Split-Path $script:ManifestPath
    $script:Pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
}

Describe 'OrderMonitoring manifest' {
    It 'passes Test-ModuleManifest' {
        $manifest = Test-ModuleManifest -Path $ManifestPath -ErrorAction Stop
        $manifest.Name | Should -Be 'OrderMonitoring'
        $manifest.RootModule | Should -Be 'OrderMonitoring.psm1'
    }

    It 'declares both editions, PowerShell 5.1 and PSData' {
        $data = Import-PowerShellDataFile -Path $ManifestPath
        $data.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $data.PowerShellVersion | Should -Be '5.1'
        $data.PrivateData.PSData.Tags | Should -Contain 'AWS'
    }

    It 'has no placeholder URIs (real addresses or none)' {
        $data = Import-PowerShellDataFile -Path $ManifestPath
        foreach ($key in 'ProjectUri', 'LicenseUri', 'IconUri', 'HelpInfoURI') {
            $value = if ($data.PrivateData.PSData.ContainsKey($key)) { $data.PrivateData.PSData[$key] } else { $data[$key] }
            "$value" | Should -Not -Match 'example\.(com|org|net)|localhost|127\.0\.0\.1' -Because "$key must be a real address or absent"
        }
        Get-Content -Raw $ManifestPath | Should -Not -Match 'example\.com'
    }

    It 'lists its exports explicitly, without wildcards' {
        $data = Import-PowerShellDataFile -Path $ManifestPath
        foreach ($key in 'CmdletsToExport', 'FunctionsToExport', 'AliasesToExport', 'VariablesToExport') {
            $data.ContainsKey($key) | Should -BeTrue -Because "$key must be explicit"
            @($data[$key]) -join ',' | Should -Not -Match '\*'
        }
    }

    It 'stages every file the manifest references' {
        $data = Import-PowerShellDataFile -Path $ManifestPath
        Join-Path $ModuleDir $data.RootModule | Should -Exist
        foreach ($file in @($data['FormatsToProcess']) + @($data['TypesToProcess']) | Where-Object { $_ }) {
            Join-Path $ModuleDir $file | Should -Exist
        }
    }

    It 'does not ship System.Management.Automation (the host provides it)' {
        Get-ChildItem $ModuleDir -Filter 'System.Management.Automation*.dll' | Should -BeNullOrEmpty
    }
}

Describe 'Importing the staged module in a fresh pwsh' {
    BeforeAll {
        # A fresh process: the binary module cannot be unloaded, and the import must not depend on this session.
        $probe = {
            param($ManifestPath)
            $ErrorActionPreference = 'Stop'
            $module = Import-Module $ManifestPath -PassThru
            $assembly = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'OrderMonitoring.Cmdlets' }
            $declared = foreach ($type in $assembly.GetExportedTypes()) {
                $attribute = $type.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) | Select-Object -First 1
                if ($attribute -and -not $type.IsAbstract) { "$($attribute.VerbName)-$($attribute.NounName)" }
            }
            [pscustomobject]@{
                Name     = $module.Name
                Version  = "$($module.Version)"
                Exported = @($module.ExportedCmdlets.Keys | Sort-Object)
                Declared = @($declared | Sort-Object)
            }
        }
        # A script block passed to pwsh travels encoded; its output comes back as deserialized objects.
        $script:Import = & $Pwsh -NoProfile -NonInteractive -Command $probe -args $ManifestPath
        $script:ImportExitCode = $LASTEXITCODE
    }

    It 'imports without error' {
        $ImportExitCode | Should -Be 0
        $Import.Name | Should -Be 'OrderMonitoring'
        $Import.Version | Should -Be (Import-PowerShellDataFile $ManifestPath).ModuleVersion
    }

    It 'exports exactly the cmdlets the manifest lists' {
        $listed = @((Import-PowerShellDataFile $ManifestPath).CmdletsToExport | Sort-Object)
        @($Import.Exported) | Should -Be $listed
    }

    It 'lists every cmdlet the assembly declares (none forgotten in the manifest)' {
        $listed = @((Import-PowerShellDataFile $ManifestPath).CmdletsToExport | Sort-Object)
        @($Import.Declared) | Should -Be $listed
    }
}
