# The staged module as a package: published to a local file-system repository with PSResourceGet, installed from it
# into a clean pwsh (its own HOME, so nothing touches the user's repositories or modules), and used by name: every
# cmdlet runs once from the installed copy against moto on 127.0.0.1.
BeforeAll {
    $script:ManifestPath = $env:ORDERMONITORING_MODULE
    Import-Module (Join-Path $PSScriptRoot 'TestSupport/MotoServer.psm1') -Force
    $script:ModuleDir = Split-Path $ManifestPath
    $script:Pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    $script:Sandbox = Join-Path $TestDrive 'sandbox'
    $null = New-Item -ItemType Directory -Path (Join-Path $Sandbox 'repo'), (Join-Path $Sandbox 'home')

    function Invoke-Isolated([scriptblock] $Script, [object[]] $Arguments) {
        # A clean pwsh whose user folders all live in the sandbox.
        $saved = @{}
        $isolation = @{
            HOME            = Join-Path $Sandbox 'home'
            XDG_DATA_HOME   = Join-Path $Sandbox 'home/.local/share'
            XDG_CONFIG_HOME = Join-Path $Sandbox 'home/.config'
            XDG_CACHE_HOME  = Join-Path $Sandbox 'home/.cache'
            PSModulePath    = $null
        }
        foreach ($name in $isolation.Keys) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            Set-EnvironmentValue $name $isolation[$name]
        }
        Push-Location $Sandbox
        try { & $Pwsh -NoProfile -NonInteractive -Command $Script -args $Arguments }
        finally {
            Pop-Location
            foreach ($name in $saved.Keys) { Set-EnvironmentValue $name $saved[$name] }
        }
    }

    $script:Installed = Invoke-Isolated {
        param($ModuleDir, $Repo)
        $ErrorActionPreference = 'Stop'
        Register-PSResourceRepository -Name OrderMonitoringLocal -Uri $Repo -Trusted
        Publish-PSResource -Path $ModuleDir -Repository OrderMonitoringLocal
        Install-PSResource -Name OrderMonitoring -Repository OrderMonitoringLocal -Scope CurrentUser -TrustRepository
        $resource = Get-InstalledPSResource -Name OrderMonitoring
        [pscustomobject]@{
            Package  = @(Get-ChildItem $Repo -Filter '*.nupkg').Name
            Version  = "$($resource.Version)"
            Location = $resource.InstalledLocation
        }
    } @($ModuleDir, (Join-Path $Sandbox 'repo'))

    $script:Server = Start-MotoServer
    $script:Used = Invoke-Isolated {
        param($Endpoint, $CheckpointDir)
        $ErrorActionPreference = 'Stop'
        # By name, as a user would after Install-PSResource.
        $module = Import-Module OrderMonitoring -PassThru
        # Every cmdlet, once, against the local moto: the installed copy must work, not only load.
        foreach ($command in $module.ExportedCmdlets.Keys) {
            $PSDefaultParameterValues["${command}:EndpointUrl"] = $Endpoint
            $PSDefaultParameterValues["${command}:Region"] = 'us-east-1'
            $PSDefaultParameterValues["${command}:AccessKey"] = 'test'
            $PSDefaultParameterValues["${command}:SecretKey"] = 'test'
        }
        $env:ORDERMONITORING_CHECKPOINT_DIR = $CheckpointDir
        # Signing keys as a security account would keep them (moto's CloudFormation makes the stack's own keys symmetric).
        $keys = foreach ($role in 'digest', 'repair') {
            (Invoke-RestMethod -Method Post -Uri $Endpoint -ContentType 'application/x-amz-json-1.1' -Body '{"KeySpec":"ECC_NIST_P256","KeyUsage":"SIGN_VERIFY"}' -Headers @{
                    'X-Amz-Target' = 'TrentService.CreateKey'
                    Authorization  = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=0'
                }).KeyMetadata.Arn
        }
        $deployed = New-OrderMonitoringStack -Environment pkg -ProcessorTrigger External -DigestSigningKeyArn $keys[0] -RepairSigningKeyArn $keys[1]
        $exported = @(Export-OrderAuditSigningKey -Environment pkg -Path (New-Item -ItemType Directory (Join-Path $CheckpointDir 'keys') -Force).FullName)
        $listed = @(Get-OrderMonitoringStack -Environment pkg)
        $sent = @(Send-TestOrderEvent -Environment pkg -Count 3 -FailedPercent 0)
        $processed = Invoke-OrderEventProcessor -Environment pkg -FromStream -WarningVariable processorWarnings -WarningAction SilentlyContinue
        $history = @(Get-OrderAuditLog -Environment pkg -OrderId $sent[0].OrderId)
        $check = Test-OrderAuditLog -Environment pkg
        # moto cannot hold the bucket's TLS-only policy: the repair leaves that BucketUnprotected to a person, with a warning.
        $repairs = @(Repair-OrderAuditLog -Environment pkg -Confirm:$false -WarningAction SilentlyContinue)
        $status = Get-OrderMonitoringStatus -Environment pkg -WarningAction SilentlyContinue # moto skips the alarms; the status is what is checked
        Remove-OrderMonitoringStack -Environment pkg -Force
        $remaining = @(Get-OrderMonitoringStack)
        [pscustomobject]@{
            Path     = $module.Path
            Exported = @($module.ExportedCmdlets.Keys | Sort-Object)
            Help     = @(foreach ($name in $module.ExportedCmdlets.Keys) {
                    $help = Get-Help $name -Full
                    [pscustomobject]@{ Name = $name; Synopsis = "$($help.Synopsis)".Trim(); Examples = @($help.Examples.Example).Count }
                })
            About    = (Get-Help about_OrderMonitoring | Out-String)
            Run      = [pscustomobject]@{
                Deployed = $deployed.Status; Listed = $listed.Count; Sent = $sent.Count; Audited = $processed.Audited
                History = $history.Count; Healthy = $status.Healthy; Remaining = $remaining.Count; Complete = $check.Complete; Repairs = $repairs.Count
                Findings = @($check.Findings | ForEach-Object { "$($_.Kind)" }); DigestsVerified = $check.DigestsVerified
                Exported = $exported.Count
                ProcessorWarnings = @($processorWarnings | ForEach-Object { "$_" })
            }
        }
    } @($Server.Endpoint, (Join-Path $Sandbox 'checkpoints'))
}

AfterAll {
    if ($script:Server) { Stop-MotoServer $script:Server }
}

Describe 'Publishing and installing the module' {
    It 'publishes one nupkg of the manifest version' {
        $version = (Import-PowerShellDataFile $ManifestPath).ModuleVersion
        $Installed.Package | Should -Be @("OrderMonitoring.$version.nupkg")
        $Installed.Version | Should -Be $version
    }

    It 'installs under the clean user home, not the machine' {
        $Installed.Location | Should -BeLike "$Sandbox*"
    }

    It 'imports by name from the installed location and exports the manifest cmdlets' {
        $Used.Path | Should -BeLike "$Sandbox*"
        $listed = @((Import-PowerShellDataFile $ManifestPath).CmdletsToExport | Sort-Object)
        @($Used.Exported) | Should -Be $listed
    }

    It 'runs every cmdlet from the installed copy' {
        $Used.Run.Deployed | Should -Be 'CREATE_COMPLETE'
        $Used.Run.Listed | Should -Be 1
        $Used.Run.Sent | Should -Be 3
        $Used.Run.Audited | Should -Be 3
        $Used.Run.History | Should -Be 1
        $Used.Run.Healthy | Should -BeTrue
        $Used.Run.Remaining | Should -Be 0
        # The trail verifies with the ECC digest key; the one finding is the bucket's protection, which moto's CloudFormation
        # does not give it (no versioning, and moto cannot hold the TLS-only policy on its plain-HTTP endpoint).
        $Used.Run.DigestsVerified | Should -BeGreaterThan 0
        $Used.Run.Findings | Should -Be @('BucketUnprotected')
        $Used.Run.Complete | Should -BeExactly $false
        $Used.Run.Repairs | Should -Be 0
        $Used.Run.Exported | Should -Be 2
        # The digest key passed in is an ECC key moto can sign with: no digest is written unsigned, and nothing else warns.
        @($Used.Run.ProcessorWarnings) | Should -BeNullOrEmpty
        $listed = @((Import-PowerShellDataFile $ManifestPath).CmdletsToExport)
        $listed.Count | Should -Be 10 -Because 'the run above uses each of the ten cmdlets once; a new cmdlet belongs in it too'
    }

    It 'brings its help along: a synopsis and examples for every cmdlet, and the about topic' {
        foreach ($help in $Used.Help) {
            $help.Synopsis | Should -Not -BeNullOrEmpty -Because "$($help.Name) needs a synopsis"
            $help.Synopsis | Should -Not -Match "^$([regex]::Escape($help.Name))" -Because "$($help.Name) needs real help, not the generated stub"
            $help.Examples | Should -BeGreaterOrEqual 2 -Because "$($help.Name) needs two examples"
        }
        $Used.About | Should -Match 'about_OrderMonitoring'
        $Used.About | Should -Match 'moto'
    }
}
