# Helpers for the orders suites and the demo: AWS clients from the module's own factory, an SQS queue subscribed to
# the alerts topic, and reading what arrived. Everything talks to the endpoint it is given (moto on 127.0.0.1).
Set-StrictMode -Version 3.0

function New-TestClientFactory {
    param([Parameter(Mandatory)] [string] $EndpointUrl)
    # The module loads its assemblies on first use; the helpers need them now.
    $moduleDir = Split-Path (Get-Module OrderMonitoring -ErrorAction Stop).Path
    foreach ($name in 'AWSSDK.Core', 'AWSSDK.S3', 'AWSSDK.SQS', 'AWSSDK.DynamoDBv2', 'OrderMonitoring.Aws') {
        Add-Type -Path (Join-Path $moduleDir "$name.dll")
    }
    $settings = [OrderMonitoring.Aws.AwsConnectionSettings]@{
        Region      = 'us-east-1'
        EndpointUrl = [uri] $EndpointUrl
        Credentials = [Amazon.Runtime.BasicAWSCredentials]::new('test', 'test')
    }
    [OrderMonitoring.Aws.AwsClientFactory]::new([OrderMonitoring.Aws.AwsConnection]::Resolve($settings), $null)
}

function New-AlertQueue {
    <# Creates an SQS queue and subscribes it to the topic; returns its URL. #>
    param([Parameter(Mandatory)] $Factory, [Parameter(Mandatory)] [string] $TopicArn, [string] $Name = "alerts-$([guid]::NewGuid().ToString('N').Substring(0, 8))")
    $sqs = $Factory.CreateSqs()
    $url = $sqs.CreateQueueAsync($Name).GetAwaiter().GetResult().QueueUrl
    $attributes = $sqs.GetQueueAttributesAsync($url, [System.Collections.Generic.List[string]] @('QueueArn')).GetAwaiter().GetResult()
    $sns = $Factory.CreateSns()
    $request = [OrderMonitoring.Aws.Sns.SubscribeRequest]@{ TopicArn = $TopicArn; Protocol = 'sqs'; Endpoint = $attributes.QueueARN }
    $null = $sns.SubscribeAsync($request, [System.Threading.CancellationToken]::None).GetAwaiter().GetResult()
    $url
}

function Receive-Alert {
    <# Every SNS notification waiting in the queue, as subject, order id, status and the attributes; deletes them. #>
    param([Parameter(Mandatory)] $Factory, [Parameter(Mandatory)] [string] $QueueUrl)
    $sqs = $Factory.CreateSqs()
    $empty = 0
    while ($empty -lt 2) {
        $request = [Amazon.SQS.Model.ReceiveMessageRequest]@{ QueueUrl = $QueueUrl; MaxNumberOfMessages = 10; WaitTimeSeconds = 0 }
        $messages = @($sqs.ReceiveMessageAsync($request).GetAwaiter().GetResult().Messages | Where-Object { $_ })
        if ($messages.Count -eq 0) { $empty++; Start-Sleep -Milliseconds 200; continue }
        foreach ($message in $messages) {
            $envelope = $message.Body | ConvertFrom-Json
            $attributes = @{}
            foreach ($property in $envelope.MessageAttributes.PSObject.Properties) { $attributes[$property.Name] = $property.Value.Value }
            [pscustomobject]@{
                Subject    = $envelope.Subject
                OrderId    = $attributes['orderId']
                Status     = $attributes['status']
                EventType  = $attributes['eventType']
                Attributes = $attributes
            }
            $null = $sqs.DeleteMessageAsync($QueueUrl, $message.ReceiptHandle).GetAwaiter().GetResult()
        }
    }
}

function Remove-TestOrder {
    <# Deletes one order item (a REMOVE stream record). #>
    param([Parameter(Mandatory)] $Factory, [Parameter(Mandatory)] [string] $TableName, [Parameter(Mandatory)] [string] $OrderId, [Parameter(Mandatory)] [long] $Timestamp)
    $dynamo = $Factory.CreateDynamoDB()
    $key = [System.Collections.Generic.Dictionary[string, Amazon.DynamoDBv2.Model.AttributeValue]]::new()
    $key['orderId'] = [Amazon.DynamoDBv2.Model.AttributeValue]@{ S = $OrderId }
    $key['timestamp'] = [Amazon.DynamoDBv2.Model.AttributeValue]@{ N = "$Timestamp" }
    $null = $dynamo.DeleteItemAsync($TableName, $key).GetAwaiter().GetResult()
}

function Get-StackResourceId {
    <# The physical id of a stack resource (moto reports no outputs for stacks created through a change set). #>
    param([Parameter(Mandatory)] $Factory, [Parameter(Mandatory)] [string] $StackName, [Parameter(Mandatory)] [string] $LogicalId)
    $cfn = $Factory.CreateCloudFormation()
    $request = [OrderMonitoring.Aws.CloudFormation.ListStackResourcesRequest]@{ StackName = $StackName }
    $page = $cfn.ListStackResourcesAsync($request, [System.Threading.CancellationToken]::None).GetAwaiter().GetResult()
    ($page.StackResourceSummaries | Where-Object LogicalResourceId -EQ $LogicalId).PhysicalResourceId
}

function Get-AuditObjectCount {
    param([Parameter(Mandatory)] $Factory, [Parameter(Mandatory)] [string] $BucketName)
    $s3 = $Factory.CreateS3()
    $count = 0
    $token = $null
    do {
        # PowerShell would turn a $null token into "", which S3 rejects: set it only when there is one.
        $request = [Amazon.S3.Model.ListObjectsV2Request]@{ BucketName = $BucketName }
        if ($token) { $request.ContinuationToken = $token }
        $page = $s3.ListObjectsV2Async($request).GetAwaiter().GetResult()
        $count += @($page.S3Objects | Where-Object { $_ }).Count
        $token = if ($page.IsTruncated) { $page.NextContinuationToken } else { $null }
    } while ($token)
    $count
}


function Get-ProcessorMetricSum {
    # The sum of one of the processor's metrics for an environment over the last hour, read back from CloudWatch.
    param($Factory, [string] $Environment, [string] $MetricName)
    $cloudWatch = $Factory.CreateCloudWatch()
    try {
        $metric = [OrderMonitoring.Aws.CloudWatch.Metric]@{ Namespace = 'OrderMonitoring'; MetricName = $MetricName }
        $metric.Dimensions.Add([OrderMonitoring.Aws.CloudWatch.Dimension]@{ Name = 'Environment'; Value = $Environment })
        $query = [OrderMonitoring.Aws.CloudWatch.MetricDataQuery]@{ Id = 'm'; ReturnData = $true }
        $query.MetricStat = [OrderMonitoring.Aws.CloudWatch.MetricStat]@{ Metric = $metric; Period = 3600; Stat = 'Sum' }
        $request = [OrderMonitoring.Aws.CloudWatch.GetMetricDataRequest]@{ StartTime = [datetime]::UtcNow.AddHours(-1); EndTime = [datetime]::UtcNow.AddHours(1) }
        $request.MetricDataQueries.Add($query)
        $result = $cloudWatch.GetMetricDataAsync($request, [System.Threading.CancellationToken]::None).GetAwaiter().GetResult()
        ($result.MetricDataResults[0].Values | Measure-Object -Sum).Sum
    }
    finally { $cloudWatch.Dispose() }
}

function Get-StreamPosition {
    <# Where the table's stream holds the records of the given orders: StreamArn, ShardId, their SequenceNumbers and the Records themselves (oldest first). #>
    param([Parameter(Mandatory)] $Factory, [Parameter(Mandatory)] [string] $TableName, [Parameter(Mandatory)] [string[]] $OrderId)
    $none = [System.Threading.CancellationToken]::None
    $streamArn = $Factory.CreateDynamoDB().DescribeTableAsync($TableName).GetAwaiter().GetResult().Table.LatestStreamArn
    $streams = $Factory.CreateDynamoDBStreams()
    $describe = [OrderMonitoring.Aws.Streams.DescribeStreamRequest]@{ StreamArn = $streamArn }
    foreach ($shard in $streams.DescribeStreamAsync($describe, $none).GetAwaiter().GetResult().StreamDescription.Shards) {
        $iterator = [OrderMonitoring.Aws.Streams.GetShardIteratorRequest]@{ StreamArn = $streamArn; ShardId = $shard.ShardId; ShardIteratorType = 'TRIM_HORIZON' }
        $next = $streams.GetShardIteratorAsync($iterator, $none).GetAwaiter().GetResult().ShardIterator
        $page = $streams.GetRecordsAsync([OrderMonitoring.Aws.Streams.GetRecordsRequest]@{ ShardIterator = $next }, $none).GetAwaiter().GetResult()
        $ours = @($page.Records | Where-Object { $_.Dynamodb.Keys.GetProperty('orderId').GetProperty('S').GetString() -in $OrderId })
        if ($ours.Count -gt 0) {
            return [pscustomobject]@{ StreamArn = $streamArn; ShardId = $shard.ShardId; SequenceNumbers = @($ours | ForEach-Object { $_.Dynamodb.SequenceNumber }); Records = $ours }
        }
    }
    throw "No stream record of $($OrderId -join ', ') in the stream of $TableName."
}

function Send-MetadataOnlyFailure {
    <#
    What Lambda leaves in an SQS on-failure destination when it gives up on a batch: the DDBStreamBatchInfo metadata
    (shard and sequence range) without the records. The range covers the stream records of the given orders, which
    must still be in the stream. Returns the number of records in the range.
    #>
    param(
        [Parameter(Mandatory)] $Factory, [Parameter(Mandatory)] [string] $TableName, [Parameter(Mandatory)] [string] $QueueUrl,
        [Parameter(Mandatory)] [string[]] $OrderId, [string] $FunctionName = 'order-processor'
    )
    $position = Get-StreamPosition -Factory $Factory -TableName $TableName -OrderId $OrderId
    $sequences = $position.SequenceNumbers
    $failure = [ordered]@{
        requestContext     = [ordered]@{ requestId = [guid]::NewGuid().ToString(); functionArn = "arn:aws:lambda:us-east-1:123456789012:function:$FunctionName"; condition = 'RetryAttemptsExhausted'; approximateInvokeCount = 3 }
        responseContext    = [ordered]@{ statusCode = 200; executedVersion = '$LATEST'; functionError = 'Unhandled' }
        version            = '1.0'
        timestamp          = '2026-01-01T00:05:00.000Z'
        DDBStreamBatchInfo = [ordered]@{
            shardId = $position.ShardId; startSequenceNumber = $sequences[0]; endSequenceNumber = $sequences[-1]
            approximateArrivalOfFirstRecord = '2026-01-01T00:00:00Z'; approximateArrivalOfLastRecord = '2026-01-01T00:00:00Z'; batchSize = $sequences.Count; streamArn = $position.StreamArn
        }
    }
    $null = $Factory.CreateSqs().SendMessageAsync($QueueUrl, ($failure | ConvertTo-Json -Depth 5)).GetAwaiter().GetResult()
    return $sequences.Count
}

function ConvertTo-FailedBatchDocument {
    <#
    The invocation record Lambda writes to an S3 on-failure destination for a batch of the stream's records (from
    Get-StreamPosition): the metadata, and the whole event as a JSON string, each record naming the stream.
    #>
    param([Parameter(Mandatory)] $Position, [string] $FunctionName = 'order-processor')
    $options = [System.Text.Json.JsonSerializerOptions]::new()
    $options.DefaultIgnoreCondition = [System.Text.Json.Serialization.JsonIgnoreCondition]::WhenWritingNull
    $records = foreach ($record in $Position.Records) {
        $record.EventSourceArn = $Position.StreamArn
        [System.Text.Json.JsonSerializer]::Serialize($record, [OrderMonitoring.Aws.Streams.StreamRecord], $options)
    }
    $sequences = $Position.SequenceNumbers
    $failure = [ordered]@{
        requestContext     = [ordered]@{ requestId = [guid]::NewGuid().ToString(); functionArn = "arn:aws:lambda:us-east-1:123456789012:function:$FunctionName"; condition = 'RetryAttemptsExhausted'; approximateInvokeCount = 6 }
        responseContext    = [ordered]@{ statusCode = 200; executedVersion = '$LATEST'; functionError = 'Unhandled' }
        version            = '1.0'
        timestamp          = '2026-01-01T00:05:00.000Z'
        DDBStreamBatchInfo = [ordered]@{
            shardId = $Position.ShardId; startSequenceNumber = $sequences[0]; endSequenceNumber = $sequences[-1]
            approximateArrivalOfFirstRecord = '2026-01-01T00:00:00Z'; approximateArrivalOfLastRecord = '2026-01-01T00:00:00Z'; batchSize = $sequences.Count; streamArn = $Position.StreamArn
        }
        payload            = '{"Records":[' + ($records -join ',') + ']}'
    }
    $failure | ConvertTo-Json -Depth 5
}

function Enable-BucketVersioning {
    <# moto's CloudFormation ignores a bucket's VersioningConfiguration; the S3 API honours it. #>
    param([Parameter(Mandatory)] $Factory, [Parameter(Mandatory)] [string] $BucketName)
    $versioning = [Amazon.S3.Model.PutBucketVersioningRequest]@{
        BucketName = $BucketName; VersioningConfig = [Amazon.S3.Model.S3BucketVersioningConfig]@{ Status = [Amazon.S3.VersionStatus]::Enabled }
    }
    $null = $Factory.CreateS3().PutBucketVersioningAsync($versioning).GetAwaiter().GetResult()
}

# moto's CloudFormation makes the stack's digest signing key symmetric, so the in-process processor cannot sign and writes
# its digests unsigned, saying so once per run (and counting the rest at the end). A test that processes batches captures
# its warnings and checks them with this: those two are expected on moto, any other warning is real and fails the test.
function Assert-OnlyUnsignedDigestWarning {
    param([AllowNull()][AllowEmptyCollection()][object[]] $Warnings)
    $other = @($Warnings | ForEach-Object { "$_" } | Where-Object { $_ -notlike 'Digest written unsigned*' -and $_ -notlike '* digest(s) of this run: Digest written unsigned*' })
    if ($other.Count -gt 0) { throw "Unexpected processor warning(s):`n$($other -join "`n")" }
    # Once per run: never one line per batch.
    $first = @($Warnings | Where-Object { "$_" -like 'Digest written unsigned*' })
    if ($first.Count -gt 1) { throw "The unsigned-digest warning was shown $($first.Count) times in one run." }
}

function New-TestSigningKey {
    <# An ECC_NIST_P256 SIGN_VERIFY key made through the KMS API (moto's CloudFormation makes every key symmetric); its ARN. #>
    param([Parameter(Mandatory)] $Factory)
    $moduleDir = Split-Path (Get-Module OrderMonitoring -ErrorAction Stop).Path
    Add-Type -Path (Join-Path $moduleDir 'AWSSDK.KeyManagementService.dll')
    $kms = $Factory.CreateKms([timespan]::FromSeconds(30))
    $request = [Amazon.KeyManagementService.Model.CreateKeyRequest]@{
        KeySpec = [Amazon.KeyManagementService.KeySpec]::ECC_NIST_P256; KeyUsage = [Amazon.KeyManagementService.KeyUsageType]::SIGN_VERIFY
        Description = 'order monitoring test repair key'
    }
    $kms.CreateKeyAsync($request).GetAwaiter().GetResult().KeyMetadata.Arn
}

function Set-StackRepairSigningKey {
    <# Gives a deployed stack a repair signing key the way an operator would (see Set-StackSigningKey). #>
    param([Parameter(Mandatory)] $Factory, [Parameter(Mandatory)] [string] $Environment, [Parameter(Mandatory)] [hashtable] $Aws,
        [Parameter(Mandatory)] [string] $KeyArn)
    Set-StackSigningKey -Factory $Factory -Environment $Environment -Aws $Aws -KeyArn $KeyArn -Parameter RepairSigningKeyArn
}

function Set-StackSigningKey {
    <#
    Gives a deployed stack a signing key (-Parameter DigestSigningKeyArn or RepairSigningKeyArn) the way an operator
    would: New-OrderMonitoringStack -<Parameter> when the module has it, else an update of the stack's parameter (the
    rest kept as they are).
    #>
    param([Parameter(Mandatory)] $Factory, [Parameter(Mandatory)] [string] $Environment, [Parameter(Mandatory)] [hashtable] $Aws,
        [Parameter(Mandatory)] [string] $KeyArn, [ValidateSet('DigestSigningKeyArn', 'RepairSigningKeyArn')] [string] $Parameter = 'RepairSigningKeyArn')
    if ((Get-OrderMonitoringStack -Environment $Environment @Aws).$Parameter -eq $KeyArn) { return }
    if ((Get-Command New-OrderMonitoringStack).Parameters.ContainsKey($Parameter)) {
        $keyParameter = @{ $Parameter = $KeyArn }
        $null = New-OrderMonitoringStack -Environment $Environment @Aws @keyParameter -Confirm:$false -WarningAction SilentlyContinue
        # moto answers an update that changes only parameters with "No updates are to be performed" (the cmdlet warns
        # that the stack keeps its values); then the parameter is changed below, as CloudFormation would.
        if ((Get-OrderMonitoringStack -Environment $Environment @Aws).$Parameter -eq $KeyArn) { return }
    }
    $stackName = "order-monitoring-$Environment"
    $cfn = $Factory.CreateCloudFormation()
    $none = [System.Threading.CancellationToken]::None
    $stack = $cfn.DescribeStacksAsync([OrderMonitoring.Aws.CloudFormation.DescribeStacksRequest]@{ StackName = $stackName }, $none).GetAwaiter().GetResult().Stacks[0]
    $request = [OrderMonitoring.Aws.CloudFormation.CreateChangeSetRequest]@{
        StackName = $stackName; ChangeSetName = "signing-key-$([guid]::NewGuid().ToString('N').Substring(0, 8))"; ChangeSetType = 'UPDATE'; UsePreviousTemplate = $true
    }
    foreach ($existing in $stack.Parameters) {
        $kept = if ($existing.ParameterKey -eq $Parameter) { @{ ParameterValue = $KeyArn } } else { @{ UsePreviousValue = $true } }
        $request.Parameters.Add([OrderMonitoring.Aws.CloudFormation.Parameter]($kept + @{ ParameterKey = $existing.ParameterKey }))
    }
    if (-not ($stack.Parameters.ParameterKey -contains $Parameter)) {
        $request.Parameters.Add([OrderMonitoring.Aws.CloudFormation.Parameter]@{ ParameterKey = $Parameter; ParameterValue = $KeyArn })
    }
    $request.Capabilities.AddRange([string[]]@('CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'))
    $created = $cfn.CreateChangeSetAsync($request, $none).GetAwaiter().GetResult()
    $describe = [OrderMonitoring.Aws.CloudFormation.DescribeChangeSetRequest]@{ StackName = $stackName; ChangeSetName = $created.Id }
    while ($cfn.DescribeChangeSetAsync($describe, $none).GetAwaiter().GetResult().Status -like '*IN_PROGRESS') { Start-Sleep -Milliseconds 100 }
    $null = $cfn.ExecuteChangeSetAsync([OrderMonitoring.Aws.CloudFormation.ExecuteChangeSetRequest]@{ StackName = $stackName; ChangeSetName = $created.Id }, $none).GetAwaiter().GetResult()
    while ($cfn.DescribeStacksAsync([OrderMonitoring.Aws.CloudFormation.DescribeStacksRequest]@{ StackName = $stackName }, $none).GetAwaiter().GetResult().Stacks[0].StackStatus -like '*IN_PROGRESS') {
        Start-Sleep -Milliseconds 100
    }
    if ((Get-OrderMonitoringStack -Environment $Environment @Aws).$Parameter -ne $KeyArn) { throw "Stack $stackName did not take the $Parameter $KeyArn." }
}

Export-ModuleMember -Function Assert-OnlyUnsignedDigestWarning, New-TestClientFactory, New-AlertQueue, Receive-Alert, Remove-TestOrder, Get-StackResourceId, Get-AuditObjectCount, Get-ProcessorMetricSum, Get-StreamPosition, ConvertTo-FailedBatchDocument, Send-MetadataOnlyFailure, Enable-BucketVersioning, New-TestSigningKey, Set-StackRepairSigningKey, Set-StackSigningKey
