# Failed batches on moto (127.0.0.1): a failure record in the documented S3 on-failure format (Lambda developer guide,
# "Retain discarded batch records for a DynamoDB event source") is replayed by Invoke-OrderEventProcessor -FailedBatches.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport/OrdersSuite.ps1')
}

AfterAll { Stop-OrdersSuite }

Describe 'Replaying a failed batch kept in S3' {
    BeforeAll {
        $script:F = @{ Environment = 'failedb' } + $Aws
        $null = New-OrderMonitoringStack @F -ProcessorTrigger External
        $stackName = 'order-monitoring-failedb'
        $script:Bucket = Get-StackResourceId -Factory $Factory -StackName $stackName -LogicalId FailedBatchesBucket
        $script:TopicArn = Get-StackResourceId -Factory $Factory -StackName $stackName -LogicalId OrderAlertsTopic
        $script:QueueUrl = New-AlertQueue -Factory $Factory -TopicArn $TopicArn
        # A batch is replayed only when it names the stack's own stream, a shard of it and a range that shard holds, and
        # its payload is the stream's records for that range: the two orders are written to the table (not processed: no
        # mapping), and the record holds their stream records as Lambda's S3 destination keeps them.
        $null = Send-TestOrderEvent @F -OrderId 'ORD-FB-1' -Status 'PENDING'
        $null = Send-TestOrderEvent @F -OrderId 'ORD-FB-2' -Status 'FAILED'
        $inStream = Get-StreamPosition -Factory $Factory -TableName 'order-events-failedb' -OrderId 'ORD-FB-1', 'ORD-FB-2'
        $failure = ConvertTo-FailedBatchDocument -Position $inStream -FunctionName 'order-processor-failedb'
        $script:Key = 'aws/lambda/3f1b2c4d-0000-4000-8000-00000000abcd/shardId-00000001767225600000-abcdef01/2026/01/01/2026-01-01T00.05.00-6e5c1b2a-1111-4222-8333-944455556666'
        $s3 = $Factory.CreateS3()
        $put = [Amazon.S3.Model.PutObjectRequest]@{ BucketName = $Bucket; Key = $Key; ContentBody = $failure; ContentType = 'application/json' }
        $null = $s3.PutObjectAsync($put).GetAwaiter().GetResult()

        $script:Before = Get-OrderMonitoringStatus @F -WarningAction SilentlyContinue
        $plan = Invoke-CapturedHost { Invoke-OrderEventProcessor @F -FailedBatches -WhatIf } @{ F = $F }
        $script:WhatIf = $plan.Output
        $script:WhatIfLines = $plan.HostLines
        $script:AuditObjectsBeforeReplay = Get-AuditObjectCount -Factory $Factory -BucketName (Get-StackResourceId -Factory $Factory -StackName $stackName -LogicalId AuditLogsBucket)
        $script:Replay = @(Invoke-OrderEventProcessor @F -FailedBatches -WarningVariable processorWarnings -WarningAction SilentlyContinue)
        Assert-OnlyUnsignedDigestWarning $processorWarnings
        $script:Alerts = @(Receive-Alert -Factory $Factory -QueueUrl $QueueUrl | Where-Object OrderId -Like 'ORD-FB-*')
        $script:After = Get-OrderMonitoringStatus @F -WarningAction SilentlyContinue
        $script:Again = @(Invoke-OrderEventProcessor @F -FailedBatches -WarningVariable processorWarnings -WarningAction SilentlyContinue)
        Assert-OnlyUnsignedDigestWarning $processorWarnings
    }

    It 'counts the failed batch in the status and is not healthy before the replay' {
        $Before.FailedBatchesPending | Should -Be 1
        $Before.Healthy | Should -BeFalse
        $Before.Reasons -join "`n" | Should -BeLike '*1 failed batch(es)*-FailedBatches*'
    }

    It 'with -WhatIf replays nothing' {
        $WhatIf | Should -BeNullOrEmpty
        @($WhatIfLines | Where-Object { $_ -like 'What if: *Replay 2 record(s) kept whole*' }) | Should -HaveCount 1
        $AuditObjectsBeforeReplay | Should -Be 0
    }

    It 'audits both records and publishes the one alert' {
        $Replay | Should -HaveCount 1
        $Replay[0].Source | Should -Be "s3://$Bucket/$Key"
        $Replay[0].Records | Should -Be 2
        $Replay[0].Audited | Should -Be 2
        $Replay[0].Failed | Should -Be 0
        (Get-OrderAuditLog @F -OrderId 'ORD-FB-1').Status | Should -Be 'PENDING'
        (Get-OrderAuditLog @F -OrderId 'ORD-FB-2').Status | Should -Be 'FAILED'
        $Alerts | Should -HaveCount 1
        $Alerts[0].OrderId | Should -Be 'ORD-FB-2'
    }

    It 'no longer counts the batch after the replay' {
        $After.FailedBatchesPending | Should -Be 0
        $After.Reasons -join "`n" | Should -Not -BeLike '*failed batch*'
    }

    It 'skips the replayed batch on a second run, writing nothing' {
        $Again | Should -HaveCount 0
        @(Receive-Alert -Factory $Factory -QueueUrl $QueueUrl | Where-Object OrderId -Like 'ORD-FB-*') | Should -HaveCount 0
    }
}

# Whoever can write to the failed-batches bucket can store a "failed batch" of another stream (another table, another
# account): it is refused, not replayed, and stays pending for a person to look at.
Describe 'A stored batch that names another stream' {
    BeforeAll {
        $otherStream = 'arn:aws:dynamodb:us-east-1:999999999999:table/someone-elses/stream/2026-01-01T00:00:00.000'
        $forged = [ordered]@{
            requestContext     = [ordered]@{ requestId = [guid]::NewGuid().ToString(); functionArn = 'arn:aws:lambda:us-east-1:123456789012:function:order-processor-failedb'; condition = 'RetryAttemptsExhausted'; approximateInvokeCount = 3 }
            version            = '1.0'
            timestamp          = '2026-01-01T00:06:00.000Z'
            DDBStreamBatchInfo = [ordered]@{ shardId = 'shardId-1'; startSequenceNumber = '800000000000000000001'; endSequenceNumber = '800000000000000000001'; batchSize = 1; streamArn = $otherStream }
        }
        $script:ForgedKey = 'aws/lambda/forged/shardId-1/2026/01/01/2026-01-01T00.06.00-forged'
        $put = [Amazon.S3.Model.PutObjectRequest]@{ BucketName = $Bucket; Key = $ForgedKey; ContentBody = ($forged | ConvertTo-Json -Depth 5); ContentType = 'application/json' }
        $null = $Factory.CreateS3().PutObjectAsync($put).GetAwaiter().GetResult()
        $script:Refused = @(Invoke-OrderEventProcessor @F -FailedBatches -ErrorVariable failures -ErrorAction SilentlyContinue)
        $script:Failures = @($failures)
    }

    It 'is refused with an error naming both streams, and nothing is read or written' {
        $Refused | Should -HaveCount 0
        $Failures | Should -HaveCount 1
        $Failures[0].FullyQualifiedErrorId | Should -BeLike 'FailedBatchNotFromThisStream,*'
        $Failures[0].Exception.Message | Should -BeLike "*$ForgedKey*someone-elses*this stack's stream is arn:aws:dynamodb:us-east-1:123456789012:table/order-events-failedb/stream/*"
    }

    It 'stays pending, so the status keeps showing it' {
        (Get-OrderMonitoringStatus @F -WarningAction SilentlyContinue).FailedBatchesPending | Should -Be 1
    }
}

# Whoever can write to the failed-batches bucket can also change the records inside a real batch of the stack's own
# stream. The payload is compared with the stream's records for its range: a changed image is refused, nothing is
# written, and the batch stays pending; the unchanged batch is replayed with the stream's own records.
Describe 'A stored batch of this stream whose payload was changed' {
    BeforeAll {
        $script:AuditBucket = Get-StackResourceId -Factory $Factory -StackName 'order-monitoring-failedb' -LogicalId AuditLogsBucket
        $null = Send-TestOrderEvent @F -OrderId 'ORD-FT-1' -Status 'PENDING'
        $null = Send-TestOrderEvent @F -OrderId 'ORD-FT-2' -Status 'FAILED'
        $inStream = Get-StreamPosition -Factory $Factory -TableName 'order-events-failedb' -OrderId 'ORD-FT-1', 'ORD-FT-2'
        $script:SecondEventId = $inStream.Records[1].EventId
        $original = ConvertTo-FailedBatchDocument -Position $inStream -FunctionName 'order-processor-failedb'

        # As an admin behind the module's back: the second order's FAILED becomes DELIVERED inside the stored payload.
        $document = $original | ConvertFrom-Json
        $document.payload = $document.payload.Replace('"status":{"S":"FAILED"}', '"status":{"S":"DELIVERED"}')
        $tampered = $document | ConvertTo-Json -Depth 5
        if ($tampered -eq ($original | ConvertFrom-Json | ConvertTo-Json -Depth 5)) { throw 'The tampering changed nothing: the payload holds no "status":{"S":"FAILED"}.' }
        $script:TamperedKey = 'aws/lambda/tampered/shardId-1/2026/01/01/2026-01-01T00.07.00-tampered'
        $s3 = $Factory.CreateS3()
        $null = $s3.PutObjectAsync([Amazon.S3.Model.PutObjectRequest]@{ BucketName = $Bucket; Key = $TamperedKey; ContentBody = $tampered; ContentType = 'application/json' }).GetAwaiter().GetResult()

        $script:ObjectsBefore = Get-AuditObjectCount -Factory $Factory -BucketName $AuditBucket
        $script:Refused = @(Invoke-OrderEventProcessor @F -FailedBatches -ErrorVariable failures -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $script:Failures = @($failures)
        $script:ObjectsAfter = Get-AuditObjectCount -Factory $Factory -BucketName $AuditBucket
        $script:AlertsAfterRefusal = @(Receive-Alert -Factory $Factory -QueueUrl $QueueUrl | Where-Object OrderId -Like 'ORD-FT-*')
        $script:Pending = (Get-OrderMonitoringStatus @F -WarningAction SilentlyContinue).FailedBatchesPending

        # The same batch as Lambda kept it, next to the changed copy.
        $script:OriginalKey = 'aws/lambda/original/shardId-1/2026/01/01/2026-01-01T00.07.00-original'
        $null = $s3.PutObjectAsync([Amazon.S3.Model.PutObjectRequest]@{ BucketName = $Bucket; Key = $OriginalKey; ContentBody = $original; ContentType = 'application/json' }).GetAwaiter().GetResult()
        $script:Replayed = @(Invoke-OrderEventProcessor @F -FailedBatches -ErrorVariable failures -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $script:FailuresWithOriginal = @($failures)
    }

    It 'is refused with an error naming the changed record, and nothing is written' {
        $Refused | Should -HaveCount 0
        $changed = @($Failures | Where-Object FullyQualifiedErrorId -Like 'FailedBatchPayloadNotFromStream,*')
        $changed | Should -HaveCount 1
        $changed[0].Exception.Message | Should -BeLike "*$TamperedKey*record 2 (event id $SecondEventId,*NewImage.status is {`"S`":`"DELIVERED`"} in the payload but {`"S`":`"FAILED`"} in the stream*"
        $changed[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $ObjectsAfter | Should -Be $ObjectsBefore
        $AlertsAfterRefusal | Should -HaveCount 0
    }

    It 'stays pending, so the status keeps showing it' {
        # The batch of another stream (above) and the changed one.
        $Pending | Should -Be 2
    }

    It 'replays the unchanged batch with the stream''s records while the changed copy stays refused' {
        $Replayed | Should -HaveCount 1
        $Replayed[0].Source | Should -Be "s3://$Bucket/$OriginalKey"
        ($Replayed[0].Records, $Replayed[0].Audited, $Replayed[0].Failed) | Should -Be @(2, 2, 0)
        (Get-OrderAuditLog @F -OrderId 'ORD-FT-2').Status | Should -Be 'FAILED'
        @($FailuresWithOriginal | Where-Object FullyQualifiedErrorId -Like 'FailedBatchPayloadNotFromStream,*') | Should -HaveCount 1
    }
}

# An older stack's failure queue (or the local run's on such a stack) holds Lambda's SQS on-failure document: the
# DDBStreamBatchInfo metadata without the payload. -FailedBatches reads the range back from the stream while it still
# has the records, and deletes the message only once they are audited.
Describe 'Replaying a metadata-only record from the failure queue' {
    BeforeAll {
        $script:Q = @{ Environment = 'failedq' } + $Aws
        $null = New-OrderMonitoringStack @Q -ProcessorTrigger External
        $stackName = 'order-monitoring-failedq'
        $script:FailureQueueUrl = Get-StackResourceId -Factory $Factory -StackName $stackName -LogicalId FailureQueue
        $table = Get-StackResourceId -Factory $Factory -StackName $stackName -LogicalId OrderEventsTable
        $script:QAuditBucket = Get-StackResourceId -Factory $Factory -StackName $stackName -LogicalId AuditLogsBucket

        # Two orders written to the table and not processed (no mapping): their records wait in the stream.
        $null = Send-TestOrderEvent @Q -OrderId 'ORD-FQ-1' -Status 'PENDING'
        $null = Send-TestOrderEvent @Q -OrderId 'ORD-FQ-2' -Status 'FAILED'
        $recordsInRange = Send-MetadataOnlyFailure -Factory $Factory -TableName $table -QueueUrl $FailureQueueUrl -OrderId 'ORD-FQ-1', 'ORD-FQ-2' -FunctionName 'order-processor-failedq'
        $script:Sqs = $Factory.CreateSqs()

        function script:Get-QueueDepth {
            $names = [System.Collections.Generic.List[string]] @('ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible')
            $attributes = $Sqs.GetQueueAttributesAsync($FailureQueueUrl, $names).GetAwaiter().GetResult().Attributes
            [int] $attributes['ApproximateNumberOfMessages'] + [int] $attributes['ApproximateNumberOfMessagesNotVisible']
        }

        $script:RecordCount = $recordsInRange
        $plan = Invoke-CapturedHost { Invoke-OrderEventProcessor @Q -FailedBatches -WhatIf } @{ Q = $Q }
        $script:WhatIf = $plan.Output
        $script:WhatIfLines = $plan.HostLines
        $script:DepthAfterWhatIf = Get-QueueDepth
        $script:AuditObjectsAfterWhatIf = Get-AuditObjectCount -Factory $Factory -BucketName $QAuditBucket
        $script:Replay = @(Invoke-OrderEventProcessor @Q -FailedBatches -WarningVariable processorWarnings -WarningAction SilentlyContinue)
        Assert-OnlyUnsignedDigestWarning $processorWarnings
        $script:DepthAfterReplay = Get-QueueDepth
        $script:Again = @(Invoke-OrderEventProcessor @Q -FailedBatches -WarningVariable processorWarnings -WarningAction SilentlyContinue)
        Assert-OnlyUnsignedDigestWarning $processorWarnings
    }

    It 'found both records in the stream' {
        $RecordCount | Should -Be 2
    }

    It 'with -WhatIf replays nothing and leaves the message in the queue' {
        $WhatIf | Should -BeNullOrEmpty
        @($WhatIfLines | Where-Object { $_ -like 'What if: *Replay 2 record(s) to read back from the stream*' }) | Should -HaveCount 1
        $AuditObjectsAfterWhatIf | Should -Be 0
        $DepthAfterWhatIf | Should -Be 1
    }

    It 'reads the range back from the stream and audits both records' {
        $Replay | Should -HaveCount 1
        $Replay[0].Source | Should -BeLike "$FailureQueueUrl (message *)"
        $Replay[0].Records | Should -Be 2
        $Replay[0].Audited | Should -Be 2
        $Replay[0].Failed | Should -Be 0
        (Get-OrderAuditLog @Q -OrderId 'ORD-FQ-1').Status | Should -Be 'PENDING'
        (Get-OrderAuditLog @Q -OrderId 'ORD-FQ-2').Status | Should -Be 'FAILED'
    }

    It 'deletes the message after the replay, so a second run has nothing to do' {
        $DepthAfterReplay | Should -Be 0
        $Again | Should -HaveCount 0
    }
}
