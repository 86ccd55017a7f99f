# $StoredAWSCredentials as AWS Tools' Set-AWSCredential leaves it (a credentials object or a profile name), after the
# explicit parameters; and the error when no credentials are found anywhere. The wrapper object AWS.Tools stores is
# covered with the stand-in module in Isolation.Tests.ps1.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport/MotoServer.psm1') -Force
    Import-Module $env:ORDERMONITORING_MODULE -Force
    $script:Server = Start-MotoServer
    $script:Connection = @{ EndpointUrl = $Server.Endpoint; Region = 'us-east-1' }
    $null = New-OrderMonitoringStack -Environment sess -ProcessorTrigger External @Connection -AccessKey test -SecretKey test

    # Nothing of this machine may be found instead: no keys, no profile, no instance metadata.
    $script:Sandbox = Join-Path ([IO.Path]::GetTempPath()) "om-session-$([guid]::NewGuid().ToString('N'))"
    $null = New-Item -ItemType Directory -Path $Sandbox
    $script:CredentialsFile = Join-Path $Sandbox 'credentials'
    Set-Content -Path $CredentialsFile -Value "[ops]`naws_access_key_id = test`naws_secret_access_key = test"
    $script:Saved = @{}
    $isolated = @{
        AWS_ACCESS_KEY_ID = $null; AWS_SECRET_ACCESS_KEY = $null; AWS_SESSION_TOKEN = $null; AWS_PROFILE = $null
        AWS_SHARED_CREDENTIALS_FILE = $CredentialsFile; AWS_CONFIG_FILE = (Join-Path $Sandbox 'config')
        AWS_EC2_METADATA_DISABLED = 'true'; AWS_WEB_IDENTITY_TOKEN_FILE = $null
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI = $null; AWS_CONTAINER_CREDENTIALS_FULL_URI = $null
    }
    foreach ($name in $isolated.Keys) {
        $Saved[$name] = [Environment]::GetEnvironmentVariable($name)
        Set-EnvironmentValue $name $isolated[$name]
    }
}

AfterAll {
    Remove-Variable -Name StoredAWSCredentials -Scope Global -ErrorAction Ignore
    foreach ($name in $Saved.Keys) { Set-EnvironmentValue $name $Saved[$name] }
    Remove-Item $Sandbox -Recurse -Force -ErrorAction Ignore
    if ($script:Server) { Stop-MotoServer $Server }
}

Describe "The session's credentials (Set-AWSCredential)" {
    AfterEach {
        Remove-Variable -Name StoredAWSCredentials -Scope Global -ErrorAction Ignore
    }

    It 'are used when no credential parameter is given (a credentials object of our own SDK build)' {
        # On PowerShell 7 our AWSSDK.Core lives in the module's load context, out of reach of type literals (which find
        # AWS.Tools' build, when it is loaded); it is reached through the module's assembly here.
        $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext([OrderMonitoring.Stack].Assembly)
        $core = $context.LoadFromAssemblyName([System.Reflection.AssemblyName]::new('AWSSDK.Core'))
        $global:StoredAWSCredentials = [Activator]::CreateInstance($core.GetType('Amazon.Runtime.BasicAWSCredentials'), @('test', 'test'))
        (Get-OrderMonitoringStack -Environment sess @Connection).StackName | Should -Be 'order-monitoring-sess'
    }

    It 'are used when no credential parameter is given (a profile name)' {
        $global:StoredAWSCredentials = 'ops'
        (Get-OrderMonitoringStack -Environment sess @Connection).StackName | Should -Be 'order-monitoring-sess'
    }

    It 'give way to -AccessKey/-SecretKey' {
        $global:StoredAWSCredentials = 'no-such-profile'
        (Get-OrderMonitoringStack -Environment sess @Connection -AccessKey test -SecretKey test).StackName | Should -Be 'order-monitoring-sess'
    }

    It 'name the variable when the profile they name does not exist' {
        $global:StoredAWSCredentials = 'no-such-profile'
        { Get-OrderMonitoringStack -Environment sess @Connection } | Should -Throw -ExpectedMessage '*no-such-profile*$StoredAWSCredentials*'
    }

    It 'refuse an object that is not credentials, naming where it came from' {
        $global:StoredAWSCredentials = [datetime]::UtcNow
        { Get-OrderMonitoringStack -Environment sess @Connection } | Should -Throw -ExpectedMessage '*$StoredAWSCredentials*System.DateTime*'
    }
}

Describe 'No credentials anywhere' {
    It 'is one error that lists where it looked, in order, without the SDK provider noise' {
        $failure = $null
        try { Get-OrderMonitoringStack -Environment sess @Connection -ErrorAction Stop } catch { $failure = $_ }

        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'AwsConfigurationInvalid*'
        $message = $failure.Exception.Message
        $message | Should -BeLike 'No AWS credentials found. Looked at, in order: -Credential*$StoredAWSCredentials*AWS_ACCESS_KEY_ID*profile ''default''*'
        $message | Should -Not -BeLike '*web identity*'
        $message | Should -Not -BeLike '*instance metadata*'
    }
}
