# Beside AWS.Tools: stand-in binary modules pinned to older AWSSDK.Core builds (4.0.x and 3.7.x, as AWS.Tools ships
# them) share one session with OrderMonitoring, imported before and after it; each module's cmdlets work against moto,
# and our cmdlets take the stand-in's credential objects (-Credential, and $StoredAWSCredentials as Set-AWSCredential
# sets it). Every combination runs in a fresh pwsh: binary modules cannot be unloaded.
BeforeDiscovery {
    $script:Cases = foreach ($standIn in 'StandIn.Sdk40', 'StandIn.Sdk37') {
        foreach ($order in 'StandInFirst', 'OrderMonitoringFirst') { @{ StandIn = $standIn; Order = $order } }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport/MotoServer.psm1') -Force
    $script:ManifestPath = $env:ORDERMONITORING_MODULE
    $script:StandInRoot = $env:ORDERMONITORING_STANDIN_DIR
    if (-not $ManifestPath -or -not $StandInRoot) {
        throw 'Run through build.ps1 test (it stages the module and publishes the stand-in modules; ORDERMONITORING_STANDIN_DIR names them).'
    }
    $script:Pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    $script:Server = Start-MotoServer
    # The stack our cmdlet must find from inside each session: proof that it reached moto with the stand-in's credentials.
    Import-Module $ManifestPath -Force
    $null = New-OrderMonitoringStack -Environment iso -ProcessorTrigger External -Region us-east-1 -EndpointUrl $Server.Endpoint -AccessKey test -SecretKey test

    $script:Probe = {
        param($ManifestPath, $StandInPath, $Order, $Endpoint, $Bucket)
        $ErrorActionPreference = 'Stop'
        # Nothing from this machine's environment may stand in for the credentials under test.
        foreach ($name in 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ENDPOINT_URL') {
            [Environment]::SetEnvironmentVariable($name, $null)
        }
        $env:AWS_EC2_METADATA_DISABLED = 'true'
        $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path ([IO.Path]::GetTempPath()) "no-such-credentials-$Bucket"
        $env:AWS_CONFIG_FILE = $env:AWS_SHARED_CREDENTIALS_FILE

        $first, $second = if ($Order -eq 'StandInFirst') { $StandInPath, $ManifestPath } else { $ManifestPath, $StandInPath }
        Import-Module $first
        Import-Module $second
        $connection = @{ Region = 'us-east-1'; EndpointUrl = $Endpoint }

        $theirCredential = New-StandInCredential -AccessKey test -SecretKey test
        $theirsBefore = New-StandInS3Bucket -EndpointUrl $Endpoint -Credential $theirCredential -BucketName "$Bucket-a"
        $asked = $theirCredential.Calls
        $stacks = @(Get-OrderMonitoringStack @connection -Credential $theirCredential)
        # Reads the stack's audit bucket with our AWSSDK.S3 (the stand-in has its own): no record, so a not-found error.
        Get-OrderAuditLog @connection -Environment iso -OrderId no-such-order -Credential $theirCredential -ErrorAction SilentlyContinue -ErrorVariable auditErrors
        $askedByUs = $theirCredential.Calls - $asked

        # What an AWS.Tools user types: the type literal finds the other module's build (ours is out of reach).
        $literal = [Amazon.Runtime.BasicAWSCredentials]::new('test', 'test')
        $fromLiteral = @(Get-OrderMonitoringStack @connection -Environment iso -Credential $literal)

        $sessionCredential = New-StandInCredential -AccessKey test -SecretKey test
        Set-StandInSessionCredential -Credential $sessionCredential
        $fromSession = @(Get-OrderMonitoringStack @connection -Environment iso)
        $theirsAfter = New-StandInS3Bucket -EndpointUrl $Endpoint -Credential $theirCredential -BucketName "$Bucket-b"

        $cores = foreach ($context in [System.Runtime.Loader.AssemblyLoadContext]::All) {
            foreach ($assembly in $context.Assemblies | Where-Object { $_.GetName().Name -eq 'AWSSDK.Core' }) {
                [pscustomobject]@{ Context = $context.Name; FileVersion = [Diagnostics.FileVersionInfo]::GetVersionInfo($assembly.Location).FileVersion }
            }
        }
        [pscustomobject]@{
            TheirSdk         = $theirsBefore.SdkFileVersion
            TheirBuckets     = @($theirsAfter.Buckets)
            OurStacks        = @($stacks.StackName)
            OurAuditError    = @($auditErrors | ForEach-Object { $_.FullyQualifiedErrorId -replace ',.*$' })
            AskedByUs        = $askedByUs
            FromSession      = @($fromSession.StackName)
            FromLiteral      = @($fromLiteral.StackName)
            LiteralSdk       = [Diagnostics.FileVersionInfo]::GetVersionInfo($literal.GetType().Assembly.Location).FileVersion
            SessionAsked     = $sessionCredential.Calls
            CmdletContext    = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext([OrderMonitoring.Stack].Assembly).Name
            Cores            = @($cores)
        }
    }
}

AfterAll {
    if ($script:Server) { Stop-MotoServer $Server }
}

Describe 'OrderMonitoring beside <StandIn> (<Order>)' -ForEach $Cases {
    BeforeAll {
        $standInPath = Join-Path $StandInRoot "$StandIn/$StandIn.dll"
        $bucket = ('iso-{0}-{1}' -f $StandIn, $Order).ToLowerInvariant().Replace('.', '-')
        $output = & $Pwsh -NoProfile -NonInteractive -Command $Probe -args $ManifestPath, $standInPath, $Order, $Server.Endpoint, $bucket 2>&1
        $script:ExitCode = $LASTEXITCODE
        $script:Output = $output | Out-String
        # A script block passed to pwsh travels encoded; its output comes back as deserialized objects.
        $script:Result = $output | Where-Object { $_.PSObject.Properties['CmdletContext'] } | Select-Object -Last 1
        $script:Bucket = $bucket
    }

    It 'imports both modules and runs without error' {
        $ExitCode | Should -Be 0 -Because $Output
    }

    It "runs the stand-in's cmdlets on its own SDK build, before and after ours ran" {
        $expected = if ($StandIn -eq 'StandIn.Sdk40') { '^4\.0\.' } else { '^3\.7\.' }
        $Result.TheirSdk | Should -Match $expected
        $Result.TheirBuckets | Should -Contain "$Bucket-a"
        $Result.TheirBuckets | Should -Contain "$Bucket-b"
    }

    It "runs our cmdlets on our SDK build, in the module's own load context" {
        $Result.CmdletContext | Should -Be 'OrderMonitoring'
        @($Result.Cores | Where-Object Context -EQ 'OrderMonitoring').FileVersion | Should -Match '^4\.1\.'
        @($Result.Cores | Where-Object Context -EQ 'Default').FileVersion | Should -Be $Result.TheirSdk
        $Result.OurStacks | Should -Contain 'order-monitoring-iso'
        $Result.OurAuditError | Should -Be @('AuditLogNotFound')
    }

    It "signs with the stand-in's credential object passed to -Credential, asking it at every use" {
        $Result.AskedByUs | Should -BeGreaterOrEqual 2 -Because 'two cmdlets ran with it, and it is asked each time, never copied once'
    }

    It "takes [Amazon.Runtime.BasicAWSCredentials]::new(...), which finds the stand-in's build, for -Credential" {
        $Result.LiteralSdk | Should -Be $Result.TheirSdk
        $Result.FromLiteral | Should -Be @('order-monitoring-iso')
    }

    It 'uses $StoredAWSCredentials as the stand-in of Set-AWSCredential leaves it' {
        $Result.FromSession | Should -Be @('order-monitoring-iso')
        $Result.SessionAsked | Should -BeGreaterThan 0
    }
}
