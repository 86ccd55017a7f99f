# Connection settings as AWS Tools for PowerShell users expect them, against moto on 127.0.0.1.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport/MotoServer.psm1') -Force
    Import-Module $env:ORDERMONITORING_MODULE -Force
    $script:Server = Start-MotoServer
    $script:Keys = @{ EndpointUrl = $Server.Endpoint; AccessKey = 'test'; SecretKey = 'test' }
    $null = New-OrderMonitoringStack -Environment conn -ProcessorTrigger External -Region us-east-1 @Keys
    $script:Saved = @{}
    foreach ($name in 'AWS_REGION', 'AWS_DEFAULT_REGION') { $Saved[$name] = [Environment]::GetEnvironmentVariable($name) }
}

AfterAll {
    Remove-Variable -Name StoredAWSRegion -Scope Global -ErrorAction Ignore
    foreach ($name in $Saved.Keys) { Set-EnvironmentValue $name $Saved[$name] }
    if ($script:Server) { Stop-MotoServer $Server }
}

Describe "The session's default region (Set-DefaultAWSRegion)" {
    AfterEach {
        Remove-Variable -Name StoredAWSRegion -Scope Global -ErrorAction Ignore
    }

    It 'is used when -Region is not given, before the environment' {
        Set-EnvironmentValue AWS_REGION 'eu-west-1'
        Set-EnvironmentValue AWS_DEFAULT_REGION $null
        $global:StoredAWSRegion = 'us-east-1'
        $stack = Get-OrderMonitoringStack -Environment conn @Keys
        $stack.Region | Should -Be 'us-east-1'
    }

    It 'gives way to -Region' {
        $global:StoredAWSRegion = 'us-east-1'
        @(Get-OrderMonitoringStack -Region eu-west-1 @Keys) | Should -HaveCount 0
    }

    It 'leaves the environment in charge when it is not set' {
        Set-EnvironmentValue AWS_REGION 'us-east-1'
        (Get-OrderMonitoringStack -Environment conn @Keys).Region | Should -Be 'us-east-1'
        Set-EnvironmentValue AWS_REGION 'eu-west-1'
        @(Get-OrderMonitoringStack @Keys) | Should -HaveCount 0
    }

    It 'is what -Environment completion asks too' {
        Set-EnvironmentValue AWS_REGION $null
        Set-EnvironmentValue AWS_DEFAULT_REGION $null
        $global:StoredAWSRegion = 'us-east-1'
        $line = "Get-OrderMonitoringStack -EndpointUrl $($Server.Endpoint) -AccessKey test -SecretKey test -Environment co"
        $result = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        @($result.CompletionMatches.CompletionText) | Should -Contain 'conn'
    }
}
