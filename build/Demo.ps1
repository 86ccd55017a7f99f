<#
.SYNOPSIS
    The whole order-monitoring flow on a local moto server, in about a minute, with the module's public cmdlets only.

.DESCRIPTION
    build.ps1 demo runs this in a fresh pwsh after staging the module. Apart from starting and stopping moto, every
    step is a command you can type yourself (each is printed before it runs):
      1. starts moto on 127.0.0.1 (nothing leaves this machine; dummy credentials),
      2. deploys the stack with New-OrderMonitoringStack -ProcessorTrigger External and two signing keys
         (the processor runs here instead of in Lambda, which moto cannot run; the keys are made through the KMS API
         and versioning is turned on through the S3 API, because moto's CloudFormation makes every KMS key symmetric
         and ignores a bucket's versioning),
      3. sends a few dozen orders (some FAILED) and updates three of them to FAILED,
      4. runs the processor over the table's stream with Invoke-OrderEventProcessor -FromStream,
      5. shows one order's audit history, the FAILED orders and the health check,
      6. seals the digest chains (Invoke-OrderEventProcessor -Seal: what the stack's EventBridge schedule makes the
         Lambda do every hour in AWS; moto cannot run the schedule),
      7. exports the signing keys' public keys and verifies the trail with them alone (Test-OrderAuditLog -PublicKeyPath),
      8. stops moto.
    To repeat it by hand: start moto yourself (moto_server -H 127.0.0.1 -p 5000), set AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY to 'test', and type the printed commands with -EndpointUrl http://127.0.0.1:5000.
#>
[CmdletBinding()]
param([Parameter(Mandatory)] [string] $ModuleManifest)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

function Show-Step([string] $Text) { Write-Host "`n--- $Text" -ForegroundColor Cyan }

function Start-LocalAws {
    # moto_server on a port the system picks; its first log line names it. Stopped by process id in Stop-LocalAws.
    $moto = Get-Command moto_server -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if (-not $moto) { throw "moto_server is not on PATH. Install it with: python3 -m pip install 'moto[server]'" }
    $log = [System.IO.Path]::GetTempFileName()
    $process = Start-Process -FilePath $moto.Source -ArgumentList '-H', '127.0.0.1', '-p', '0' -RedirectStandardError $log `
        -RedirectStandardOutput "$log.out" -PassThru
    $deadline = [datetime]::UtcNow.AddSeconds(60)
    while ([datetime]::UtcNow -lt $deadline -and -not $process.HasExited) {
        $port = Select-String -Path $log, "$log.out" -Pattern 'Running on http://127\.0\.0\.1:(\d+)' -ErrorAction Ignore |
            Select-Object -First 1 | ForEach-Object { $_.Matches[0].Groups[1].Value }
        if ($port) { return [pscustomobject]@{ Process = $process; Endpoint = "http://127.0.0.1:$port"; Logs = @($log, "$log.out") } }
        Start-Sleep -Milliseconds 200
    }
    $process | Stop-Process -Force -ErrorAction Ignore
    throw "moto_server did not start within 60 s; its log: $(Get-Content -Raw $log -ErrorAction Ignore)"
}

function Stop-LocalAws($Server) {
    $Server.Process | Stop-Process -Force -ErrorAction Ignore
    $null = $Server.Process.WaitForExit(10000)
    Remove-Item $Server.Logs -Force -ErrorAction Ignore
}

function New-DemoSigningKey([string] $Endpoint, [string] $Description) {
    # What `aws kms create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY` does, through the SDK the module ships.
    $moduleDir = Split-Path (Get-Module OrderMonitoring -ErrorAction Stop).Path
    foreach ($name in 'AWSSDK.Core', 'AWSSDK.KeyManagementService') { Add-Type -Path (Join-Path $moduleDir "$name.dll") }
    $config = [Amazon.KeyManagementService.AmazonKeyManagementServiceConfig]@{ ServiceURL = $Endpoint; AuthenticationRegion = 'us-east-1' }
    $kms = [Amazon.KeyManagementService.AmazonKeyManagementServiceClient]::new([Amazon.Runtime.BasicAWSCredentials]::new('test', 'test'), $config)
    try {
        $request = [Amazon.KeyManagementService.Model.CreateKeyRequest]@{
            KeySpec = [Amazon.KeyManagementService.KeySpec]::ECC_NIST_P256; KeyUsage = [Amazon.KeyManagementService.KeyUsageType]::SIGN_VERIFY; Description = $Description
        }
        $kms.CreateKeyAsync($request).GetAwaiter().GetResult().KeyMetadata.Arn
    }
    finally { $kms.Dispose() }
}

function Enable-DemoBucketVersioning([string] $Endpoint, [string] $BucketName) {
    # What `aws s3api put-bucket-versioning --versioning-configuration Status=Enabled` does (the template asks for it; moto ignores that).
    $moduleDir = Split-Path (Get-Module OrderMonitoring -ErrorAction Stop).Path
    foreach ($name in 'AWSSDK.Core', 'AWSSDK.S3') { Add-Type -Path (Join-Path $moduleDir "$name.dll") }
    $config = [Amazon.S3.AmazonS3Config]@{ ServiceURL = $Endpoint; ForcePathStyle = $true; AuthenticationRegion = 'us-east-1' }
    $s3 = [Amazon.S3.AmazonS3Client]::new([Amazon.Runtime.BasicAWSCredentials]::new('test', 'test'), $config)
    try {
        $request = [Amazon.S3.Model.PutBucketVersioningRequest]@{
            BucketName = $BucketName; VersioningConfig = [Amazon.S3.Model.S3BucketVersioningConfig]@{ Status = [Amazon.S3.VersionStatus]::Enabled }
        }
        $null = $s3.PutBucketVersioningAsync($request).GetAwaiter().GetResult()
    }
    finally { $s3.Dispose() }
}

function Invoke-Shown([string] $Command, [scriptblock] $Action) {
    Show-Step $Command
    & $Action
}

Show-Step 'Starting moto (local AWS) on 127.0.0.1'
$server = Start-LocalAws
$checkpoints = Join-Path ([System.IO.Path]::GetTempPath()) "ordermonitoring-demo-$($server.Process.Id)"
try {
    $env:ORDERMONITORING_CHECKPOINT_DIR = $checkpoints
    $env:AWS_ACCESS_KEY_ID = 'test'
    $env:AWS_SECRET_ACCESS_KEY = 'test'
    Import-Module $ModuleManifest
    # Every cmdlet takes the connection parameters of AWS Tools for PowerShell; here they point at moto.
    $demo = @{ Environment = 'demo'; EndpointUrl = $server.Endpoint; Region = 'us-east-1' }
    Write-Host "moto: $($server.Endpoint)"

    $keys = Invoke-Shown 'aws kms create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY   (twice: one key signs digests, one signs repairs)' {
        @{ Digest = New-DemoSigningKey $server.Endpoint 'order monitoring demo: digests'; Repair = New-DemoSigningKey $server.Endpoint 'order monitoring demo: repairs' }
    }
    Write-Host "digest key: $($keys.Digest)`nrepair key: $($keys.Repair)"

    $stack = Invoke-Shown 'New-OrderMonitoringStack -Environment demo -ProcessorTrigger External -DigestSigningKeyArn <digest key> -RepairSigningKeyArn <repair key>' {
        New-OrderMonitoringStack @demo -ProcessorTrigger External -DigestSigningKeyArn $keys.Digest -RepairSigningKeyArn $keys.Repair
    }
    $stack | Format-Table StackName, Status, Environment, Region -AutoSize | Out-Host

    Invoke-Shown "aws s3api put-bucket-versioning --bucket $($stack.AuditBucketName) --versioning-configuration Status=Enabled   (moto ignores the template's)" {
        Enable-DemoBucketVersioning $server.Endpoint $stack.AuditBucketName
    }

    $sent = Invoke-Shown 'Send-TestOrderEvent -Environment demo -Count 40 -FailedPercent 15' {
        @(Send-TestOrderEvent @demo -Count 40 -FailedPercent 15)
    }
    $sent | Group-Object Status | Sort-Object Name | Format-Table @{ n = 'Status'; e = 'Name' }, Count -AutoSize | Out-Host

    $updated = Invoke-Shown '... | Select-Object OrderId, Timestamp, @{ n = ''Status''; e = { ''FAILED'' } } | Send-TestOrderEvent -Environment demo -Force' {
        # The same item written again (-Force: an existing item is never overwritten without it): a MODIFY record in
        # the stream, with the old and the new image.
        @($sent | Where-Object Status -NE 'FAILED' | Select-Object -First 3 |
            Select-Object OrderId, Timestamp, @{ n = 'Status'; e = { 'FAILED' } } | Send-TestOrderEvent @demo -Force)
    }
    $updated | Format-Table OrderId, Status -AutoSize | Out-Host

    Invoke-Shown 'Invoke-OrderEventProcessor -Environment demo -FromStream   (what the Lambda trigger does in AWS)' {
        Invoke-OrderEventProcessor @demo -FromStream | Format-List Records, Audited, Alerts, Quarantined, Failed, Shards, Duration | Out-Host
    }

    Invoke-Shown "Get-OrderAuditLog -Environment demo -OrderId $($updated[0].OrderId)" {
        Get-OrderAuditLog @demo -OrderId $updated[0].OrderId |
            Format-Table EventTime, EventType, PreviousStatus, Status, SequenceNumber -AutoSize | Out-Host
    }

    Invoke-Shown 'Get-OrderAuditLog -Environment demo -Status FAILED' {
        Get-OrderAuditLog @demo -Status FAILED | Format-Table OrderId, EventType, PreviousStatus, Status, ProcessedAt -AutoSize | Out-Host
    }

    Invoke-Shown 'Get-OrderMonitoringStatus -Environment demo   (moto skips CloudWatch alarms: a warning)' {
        Get-OrderMonitoringStatus @demo -WarningAction SilentlyContinue | Format-List Healthy, Reasons, FailureQueueDepth, Invocations | Out-Host
    }

    Invoke-Shown 'Invoke-OrderEventProcessor -Environment demo -FromStream   (again: nothing new, thanks to the checkpoints)' {
        Invoke-OrderEventProcessor @demo -FromStream | Format-List Records | Out-Host
    }

    Invoke-Shown 'Invoke-OrderEventProcessor -Environment demo -Seal   (what the stack''s schedule does every hour in AWS)' {
        Invoke-OrderEventProcessor @demo -Seal | Format-List Key, Heads, Signed, Previous, NextSealBy | Out-Host
    }

    $keyFolder = Join-Path $checkpoints 'keys'
    $null = New-Item -ItemType Directory -Path $keyFolder -Force
    $exported = Invoke-Shown "Export-OrderAuditSigningKey -Environment demo -Path $keyFolder   (what an auditor is given)" {
        @(Export-OrderAuditSigningKey @demo -Path $keyFolder)
    }
    $exported | Format-Table Role, KeySpec, Fingerprint -AutoSize | Out-Host

    $digestPem = ($exported | Where-Object Role -EQ 'Digest').Path
    $repairPem = ($exported | Where-Object Role -EQ 'Repair').Path
    $check = Invoke-Shown 'Test-OrderAuditLog -Environment demo -PublicKeyPath <digest key .pem> -RepairPublicKeyPath <repair key .pem>   (no KMS permission needed)' {
        Test-OrderAuditLog @demo -PublicKeyPath $digestPem -RepairPublicKeyPath $repairPem
    }
    $check | Format-List Complete, OrdersChecked, ItemsChecked, AuditObjectsChecked, DigestsVerified, SealsVerified | Out-Host
    $check.Findings | Format-Table Kind, Detail -Wrap | Out-Host
    # The one finding moto leaves: it enforces the template's TLS-only bucket policy on its plain-HTTP endpoint, so the
    # bucket cannot hold that policy here. Anything else means the demo's trail did not verify.
    $unexpected = @($check.Findings | Where-Object { -not ($_.Kind -eq 'BucketUnprotected' -and $_.Detail -match 'DenyInsecureTransport' -and $_.Detail -notmatch 'versioning') })
    if ($unexpected.Count -gt 0 -or -not ($check.DigestsVerified -gt 0)) {
        throw "The demo's audit trail did not verify: $($unexpected | ForEach-Object { "$($_.Kind) $($_.Key)" })"
    }
    Write-Host "Every audit object is in a signed digest, every digest verifies and chains; on moto the bucket cannot hold the template's policy (above: its TLS-only statement would refuse moto's plain HTTP)."
}
finally {
    Show-Step 'Stopping moto'
    Stop-LocalAws $server
    Remove-Item $checkpoints -Recurse -Force -ErrorAction Ignore
}
