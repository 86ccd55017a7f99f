# The Lambda zip the module ships, loaded the way the managed runtime loads it (own load context, dependencies from the
# package only) and invoked by its handler string with a stream event and with the seal schedule's input, against moto on 127.0.0.1.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport/MotoServer.psm1') -Force
    $script:ModuleDir = Split-Path $env:ORDERMONITORING_MODULE
    $script:Zips = @(Get-ChildItem (Join-Path $ModuleDir 'processor') -Filter 'order-processor-*.zip')
    # The zip this machine can run with its ReadyToRun code (the handler test); the other differs only in that code.
    $hostArchitecture = if ([Runtime.InteropServices.RuntimeInformation]::OSArchitecture -eq 'Arm64') { 'arm64' } else { 'x86_64' }
    $script:Zip = @($Zips | Where-Object Name -Like "order-processor-$hostArchitecture-*.zip")
    $script:Template = Get-Content -Raw (Join-Path $ModuleDir 'templates/order-monitoring.json') | ConvertFrom-Json
    $script:Server = Start-MotoServer
    $script:Identity = @{ Authorization = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/{0}/aws4_request, SignedHeaders=host, Signature=0' }

    function Invoke-Moto([string] $Service, [string] $Method, [string] $Path, [hashtable] $Form) {
        $headers = @{ Authorization = $Identity.Authorization -f $Service }
        $uri = "$($Server.Endpoint)$Path"
        if ($Form) { Invoke-RestMethod -Method $Method -Uri $uri -Headers $headers -Body $Form -ContentType 'application/x-www-form-urlencoded' }
        else { Invoke-RestMethod -Method $Method -Uri $uri -Headers $headers }
    }

    # What the stack would give the function: an audit bucket and an alerts topic.
    $null = Invoke-Moto s3 Put '/lambda-package-audit'
    $created = Invoke-Moto sns Post '/' @{ Action = 'CreateTopic'; Name = 'lambda-package-alerts'; Version = '2010-03-31' }
    $script:TopicArn = $created.CreateTopicResponse.CreateTopicResult.TopicArn

    function Get-AuditKeys([string] $Prefix) {
        $listing = [xml](Invoke-WebRequest -Uri "$($Server.Endpoint)/lambda-package-audit?list-type=2&prefix=$Prefix" -UseBasicParsing -Headers @{
                Authorization = $Identity.Authorization -f 's3' }).Content
        @($listing.ListBucketResult.Contents.Key)
    }

    # The handler run in a fresh process, as a Lambda container is: nothing of this module or session is loaded there.
    # Text output, because the handler's log lines go straight to stdout, as they do in Lambda.
    function Invoke-PackagedHandler([string] $Handler, [string] $EventJson) {
        $hostSource = Get-Content -Raw (Join-Path $PSScriptRoot 'TestSupport/LambdaHost.cs')
        $environment = @{
            AUDIT_BUCKET_NAME = 'lambda-package-audit'; SNS_TOPIC_ARN = $TopicArn; ENVIRONMENT_SUFFIX = 'pkg'; LOG_LEVEL = 'INFO'; DIGEST_SEAL_INTERVAL_MINUTES = '30'
            AWS_ENDPOINT_URL = $Server.Endpoint; AWS_REGION = 'us-east-1'; AWS_ACCESS_KEY_ID = 'test'; AWS_SECRET_ACCESS_KEY = 'test'
        }
        $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
        & $pwsh -NoProfile -NonInteractive -OutputFormat Text -Command {
            param($Source, $Folder, $Handler, $EventJson, $Environment)
            $ErrorActionPreference = 'Stop'
            foreach ($name in $Environment.Keys) { Set-Item "Env:$name" $Environment[$name] }
            Add-Type -TypeDefinition $Source -Language CSharp
            [LambdaHost]::Invoke($Folder, $Handler, $EventJson)
        } -args $hostSource, $Package, $Handler, $EventJson, $environment
    }

    $script:Package = Join-Path $TestDrive 'package'
    if ($Zip.Count -eq 1) { Expand-Archive -Path $Zip[0].FullName -DestinationPath $Package }
}

AfterAll {
    if ($script:Server) { Stop-MotoServer $Server }
}

Describe 'The processor Lambda package' {
    It 'is one zip per architecture the template offers, each named by its architecture and the first 12 hex digits of its SHA-256' {
        $architectures = @($Template.Parameters.ProcessorArchitecture.AllowedValues)
        $Zips | Should -HaveCount $architectures.Count
        foreach ($architecture in $architectures) {
            $zip = @($Zips | Where-Object Name -Like "order-processor-$architecture-*.zip")
            $zip | Should -HaveCount 1
            $hash = (Get-FileHash -Algorithm SHA256 $zip[0].FullName).Hash.ToLowerInvariant()
            $zip[0].Name | Should -Be "order-processor-$architecture-$($hash.Substring(0, 12)).zip"
        }
    }

    It 'carries ReadyToRun code for its architecture' {
        Add-Type -AssemblyName System.IO.Compression.ZipFile
        # The same assemblies, compiled ahead of time for each instruction set: the files differ between the two zips.
        $contents = foreach ($zip in $Zips) {
            $archive = [IO.Compression.ZipFile]::OpenRead($zip.FullName)
            try {
                $entry = $archive.GetEntry('OrderMonitoring.Processor.dll')
                $stream = $entry.Open()
                try { $memory = [IO.MemoryStream]::new(); $stream.CopyTo($memory); [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($memory.ToArray())) }
                finally { $stream.Dispose() }
            }
            finally { $archive.Dispose() }
        }
        @($contents | Select-Object -Unique) | Should -HaveCount $Zips.Count
    }

    It 'runs the handler the template names, from the package alone, and audits and alerts' {
        $handler = $Template.Resources.OrderProcessorLambda.Properties.Handler
        $event = @{ Records = @(@{
                    eventID = 'pkg-1'; eventName = 'INSERT'; eventVersion = '1.1'; eventSource = 'aws:dynamodb'; awsRegion = 'us-east-1'
                    dynamodb = @{
                        ApproximateCreationDateTime = 1767225600; SequenceNumber = '500000000000000000001'; SizeBytes = 80; StreamViewType = 'NEW_AND_OLD_IMAGES'
                        Keys = @{ orderId = @{ S = 'ORD-PKG-1' }; timestamp = @{ N = '1767225600000' } }
                        NewImage = @{ orderId = @{ S = 'ORD-PKG-1' }; timestamp = @{ N = '1767225600000' }; status = @{ S = 'FAILED' } }
                    }
                }) } | ConvertTo-Json -Depth 10
        $result = Invoke-PackagedHandler $handler $event
        $LASTEXITCODE | Should -Be 0

        $response = @($result)[-1] | ConvertFrom-Json
        @($response.batchItemFailures) | Should -HaveCount 0
        # One JSON log line per batch and an EMF metrics line went to stdout, as CloudWatch Logs would receive them.
        @($result | Where-Object { $_ -match '"_aws"' }) | Should -Not -BeNullOrEmpty
        @($result | Where-Object { $_ -match '"message":"Batch processed"' -and $_ -match '"audited":1' -and $_ -match '"alerts":1' }) | Should -HaveCount 1
        Get-AuditKeys 'orders/' | Should -Be @('orders/ORD-PKG-1/0000000000000000000500000000000000000001.json')
    }

    It 'writes a seal when invoked with the input the template''s seal schedule sends' {
        # moto never runs the EventBridge rule; this is the invocation it would make: the rule's constant Input, as is.
        $sealInput = $Template.Resources.DigestSealSchedule.Properties.Targets[0].Input
        $chains = @(Get-AuditKeys 'digests/' | ForEach-Object { $_.Split('/')[2] } | Select-Object -Unique)

        $result = Invoke-PackagedHandler $Template.Resources.OrderProcessorLambda.Properties.Handler $sealInput
        $LASTEXITCODE | Should -Be 0

        $response = @($result)[-1] | ConvertFrom-Json
        $response.written | Should -BeTrue
        $response.heads | Should -Be $chains.Count
        # No signing key in this environment: written unsigned, saying so.
        $response.signed | Should -BeFalse
        $response.unsigned | Should -Not -BeNullOrEmpty
        Get-AuditKeys 'seals/' | Should -Be @($response.seal)
    }
}
