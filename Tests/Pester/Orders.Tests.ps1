# The order cmdlets end to end on moto (127.0.0.1): deploy with an external processor, send orders, process the stream,
# read the audit log back, check the alerts that reached a subscribed queue; then the bad input a new user tries.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport/OrdersSuite.ps1')
}

AfterAll { Stop-OrdersSuite }

Describe 'Orders end to end' {
    BeforeAll {
        $env = 'orderse2e'
        $script:E2E = @{ Environment = $env } + $Aws
        $null = New-OrderMonitoringStack @E2E -ProcessorTrigger External
        $script:StackName = "order-monitoring-$env"
        $script:TopicArn = Get-StackResourceId -Factory $Factory -StackName $StackName -LogicalId OrderAlertsTopic
        $script:Bucket = Get-StackResourceId -Factory $Factory -StackName $StackName -LogicalId AuditLogsBucket
        $script:QueueUrl = New-AlertQueue -Factory $Factory -TopicArn $TopicArn

        # 50 orders, 10 FAILED; 5 others updated to FAILED in place (MODIFY); one more deleted (REMOVE).
        $script:Sent = @(Send-TestOrderEvent @E2E -Count 50 -FailedPercent 20)
        $others = @($Sent | Where-Object Status -NE 'FAILED')
        $script:Updated = @($others | Select-Object -First 5)
        $script:Deleted = $others[5]
        $script:UpdateResults = @($Updated | Select-Object OrderId, Timestamp, @{ n = 'Status'; e = { 'FAILED' } } | Send-TestOrderEvent @E2E -Force)
        Remove-TestOrder -Factory $Factory -TableName $Sent[0].TableName -OrderId $Deleted.OrderId -Timestamp $Deleted.Timestamp
        $script:FailedIds = @($Sent | Where-Object Status -EQ 'FAILED' | ForEach-Object OrderId) + @($Updated.OrderId)

        $script:Run = Invoke-OrderEventProcessor @E2E -FromStream -WarningVariable processorWarnings -WarningAction SilentlyContinue
        Assert-OnlyUnsignedDigestWarning $processorWarnings
        $script:Alerts = @(Receive-Alert -Factory $Factory -QueueUrl $QueueUrl)
    }

    It 'sent 50 typed events with 10 FAILED' {
        $Sent | Should -HaveCount 50
        $Sent[0] | Should -BeOfType ([OrderMonitoring.OrderEventResult])
        @($Sent | Where-Object Status -EQ 'FAILED') | Should -HaveCount 10
        $UpdateResults | Should -HaveCount 5
    }

    It 'processed every stream record from the stream: 50 inserts, 5 updates, 1 delete' {
        $Run.Records | Should -Be 56
        $Run.Audited | Should -Be 56
        $Run.Failed | Should -Be 0
        $Run.Alerts | Should -Be 15
        $Run.Shards | Should -BeGreaterOrEqual 1
    }

    It 'wrote an audit object for every event, in event order' {
        $history = @($Sent | Get-OrderAuditLog @Aws)
        $history | Should -HaveCount 56
        foreach ($order in $Updated) {
            $records = @($history | Where-Object OrderId -EQ $order.OrderId)
            $records.EventType | Should -Be @('INSERT', 'MODIFY')
            $records[1].PreviousStatus | Should -Be $order.Status
            $records[1].Status | Should -Be 'FAILED'
        }
        $history[0] | Should -BeOfType ([OrderMonitoring.OrderAuditRecord])
        $history[0].NewImage | Should -BeOfType ([System.Collections.Specialized.OrderedDictionary])
        $history[0].EventTime | Should -BeOfType ([DateTimeOffset])
    }

    It 'audited the delete' {
        $records = @(Get-OrderAuditLog @E2E -OrderId $Deleted.OrderId)
        $records.EventType | Should -Be @('INSERT', 'REMOVE')
        $records[1].DeletedBy | Should -Be 'user'
        $records[1].OldImage.orderId | Should -Be $Deleted.OrderId
    }

    It 'finds the FAILED orders through the status index with their histories' {
        $failed = @(Get-OrderAuditLog @E2E -Status FAILED -Since (Get-Date).AddHours(-1))
        @($failed.OrderId | Sort-Object -Unique) | Should -Be @($FailedIds | Sort-Object -Unique)
        @($failed | Where-Object EventType -EQ 'MODIFY') | Should -HaveCount 5
    }

    It 'returns the stored JSON with -Raw' {
        $raw = @(Get-OrderAuditLog @E2E -OrderId $Updated[0].OrderId -Raw)
        $raw | Should -HaveCount 2
        $raw[0] | Should -BeOfType ([string])
        ($raw | ConvertFrom-Json).eventType | Should -Be @('INSERT', 'MODIFY')
    }

    It 'published exactly the alerts that were due, with their attributes' {
        $Alerts | Should -HaveCount 15
        @($Alerts.OrderId | Sort-Object) | Should -Be @($FailedIds | Sort-Object)
        foreach ($alert in $Alerts) {
            $alert.Status | Should -Be 'FAILED'
            $alert.Attributes['environment'] | Should -Be 'orderse2e'
            $alert.Subject | Should -Be "Order Failed: $($alert.OrderId)"
        }
        @($Alerts | Where-Object EventType -EQ 'MODIFY') | Should -HaveCount 5
    }

    It 'processes nothing new on a second run (checkpoint)' {
        $again = Invoke-OrderEventProcessor @E2E -FromStream -WarningVariable processorWarnings -WarningAction SilentlyContinue
        Assert-OnlyUnsignedDigestWarning $processorWarnings
        $again.Records | Should -Be 0
        Get-ChildItem $env:ORDERMONITORING_CHECKPOINT_DIR -Filter *.json | Should -Not -BeNullOrEmpty
    }

    It 'processes a Lambda event file with -Path' {
        $file = Join-Path $TestDrive 'event.json'
        @{ Records = @(@{
                    eventID = 'file-1'; eventName = 'INSERT'; eventVersion = '1.1'; eventSource = 'aws:dynamodb'; awsRegion = 'us-east-1'
                    dynamodb = @{
                        ApproximateCreationDateTime = 1767225600; SequenceNumber = '900000000000000000001'; SizeBytes = 60; StreamViewType = 'NEW_AND_OLD_IMAGES'
                        Keys = @{ orderId = @{ S = 'ORD-FILE-1' }; timestamp = @{ N = '1767225600000' } }
                        NewImage = @{ orderId = @{ S = 'ORD-FILE-1' }; timestamp = @{ N = '1767225600000' }; status = @{ S = 'FAILED' } }
                    }
                }) } | ConvertTo-Json -Depth 10 | Set-Content $file
        $result = Get-Item $file | Invoke-OrderEventProcessor @E2E -WarningVariable processorWarnings -WarningAction SilentlyContinue
        Assert-OnlyUnsignedDigestWarning $processorWarnings
        $result.Records | Should -Be 1
        $result.Audited | Should -Be 1
        $result.Alerts | Should -Be 1
        $result.BatchItemFailures | Should -HaveCount 0
        (Get-OrderAuditLog @E2E -OrderId 'ORD-FILE-1').Status | Should -Be 'FAILED'
    }

    It 'quarantines a record that is not an order, and says so as a warning' {
        $file = Join-Path $TestDrive 'no-order-id.json'
        @{ Records = @(@{
                    eventID = 'file-q'; eventName = 'INSERT'; eventSource = 'aws:dynamodb'; awsRegion = 'us-east-1'
                    dynamodb = @{
                        SequenceNumber = '900000000000000000002'; StreamViewType = 'NEW_AND_OLD_IMAGES'
                        Keys = @{ id = @{ S = 'x' } }; NewImage = @{ id = @{ S = 'x' }; status = @{ S = 'PENDING' } }
                    }
                }) } | ConvertTo-Json -Depth 10 | Set-Content $file
        $result = Invoke-OrderEventProcessor @E2E -Path $file -WarningVariable warnings -WarningAction SilentlyContinue
        $result.Quarantined | Should -Be 1
        $result.BatchItemFailures | Should -HaveCount 0
        # moto's CloudFormation makes the stack's signing key a symmetric key, which cannot sign: the audit object is
        # written all the same, and the digest unsigned, with a warning that says why.
        $digestWarnings = @($warnings | Where-Object { "$_" -like 'Digest written unsigned*' })
        $digestWarnings | Should -HaveCount 1
        "$($digestWarnings[0])" | Should -BeLike '*digestKey=digests/*reason=signing with arn:aws:kms:us-east-1:123456789012:key/* failed*'
        $recordWarnings = @($warnings | Where-Object { "$_" -notlike 'Digest written unsigned*' })
        $recordWarnings | Should -HaveCount 1
        "$($recordWarnings[0])" | Should -BeLike 'Record quarantined*eventId=file-q*reason=*'
        "$($recordWarnings[0])" | Should -Not -Match '^\{'
    }

    It 'publishes the processor metrics to CloudWatch in External mode, so a quarantined record is seen; -NoMetrics does not' {
        $quarantinedBefore = Get-ProcessorMetricSum -Factory $Factory -Environment $E2E.Environment -MetricName RecordsQuarantined
        $processedBefore = Get-ProcessorMetricSum -Factory $Factory -Environment $E2E.Environment -MetricName RecordsProcessed
        $quarantinedBefore | Should -BeGreaterOrEqual 1 -Because 'the quarantined record of the previous test was published'
        $processedBefore | Should -BeGreaterOrEqual 56 -Because 'the -FromStream run published its batches'

        $file = Join-Path $TestDrive 'no-order-id-2.json'
        @{ Records = @(@{
                    eventID = 'file-q2'; eventName = 'INSERT'; eventSource = 'aws:dynamodb'; awsRegion = 'us-east-1'
                    dynamodb = @{ SequenceNumber = '900000000000000000003'; StreamViewType = 'NEW_AND_OLD_IMAGES'; Keys = @{ id = @{ S = 'y' } }; NewImage = @{ id = @{ S = 'y' } } }
                }) } | ConvertTo-Json -Depth 10 | Set-Content $file
        $result = Invoke-OrderEventProcessor @E2E -Path $file -NoMetrics -WarningAction SilentlyContinue
        $result.Quarantined | Should -Be 1
        Get-ProcessorMetricSum -Factory $Factory -Environment $E2E.Environment -MetricName RecordsQuarantined | Should -Be $quarantinedBefore
    }

    It 'refuses -FromStream on a stack whose stream Lambda already reads, unless -Force' {
        $lambda = @{ Environment = 'orderslambda' } + $Aws
        $null = New-OrderMonitoringStack @lambda -ProcessorTrigger Lambda
        $err = { Invoke-OrderEventProcessor @lambda -FromStream -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'StreamHasLambdaConsumer,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err.Exception.Message | Should -BeLike '*duplicate alerts*'
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*-Force*'
        $null = Remove-OrderMonitoringStack @lambda -Confirm:$false
    }

    It 'rejects a file that is not a stream event and writes nothing' {
        $before = Get-AuditObjectCount -Factory $Factory -BucketName $Bucket
        $file = Join-Path $TestDrive 'not-an-event.json'
        '{ "Records": [ { "eventSource": "aws:s3", "s3": {} } ] }' | Set-Content $file
        $err = { Invoke-OrderEventProcessor @E2E -Path $file -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'NotAStreamEvent,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -BeLike '*aws:s3*Nothing was processed*'
        Get-AuditObjectCount -Factory $Factory -BucketName $Bucket | Should -Be $before
    }

    It 'reports an audit object that does not appear in time with -Wait' {
        # The processor is external and not running, so nothing is audited.
        $err = { Send-TestOrderEvent @E2E -OrderId 'ORD-WAIT' -Wait -TimeoutSeconds 1 -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'AuditTimeout,*'
        $err.Exception.Message | Should -BeLike '*were written*did not appear*'
    }
}

Describe 'Bad input as a new user tries it' {
    BeforeAll {
        $script:Bad = @{ Environment = 'ordersbad' } + $Aws
        $null = New-OrderMonitoringStack @Bad -ProcessorTrigger External
        $script:BadBucket = Get-StackResourceId -Factory $Factory -StackName 'order-monitoring-ordersbad' -LogicalId AuditLogsBucket
        $script:BadTable = Get-StackResourceId -Factory $Factory -StackName 'order-monitoring-ordersbad' -LogicalId OrderEventsTable
        # The order ids stored in the table (one scan; the table holds only this Describe's few orders).
        function script:Get-StoredOrderId {
            $dynamo = $Factory.CreateDynamoDB()
            $request = [Amazon.DynamoDBv2.Model.ScanRequest]@{ TableName = $BadTable }
            $ids = [System.Collections.Generic.List[string]]::new()
            do {
                $page = $dynamo.ScanAsync($request).GetAwaiter().GetResult()
                foreach ($item in $page.Items) { $ids.Add($item['orderId'].S) }
                $request.ExclusiveStartKey = $page.LastEvaluatedKey
            } while ($page.LastEvaluatedKey -and $page.LastEvaluatedKey.Count -gt 0)
            $ids
        }
    }

    It 'names an unknown environment before writing' {
        $err = { Send-TestOrderEvent -Environment nosuchenv @Aws -Count 3 -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'StackNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*New-OrderMonitoringStack*'
    }

    It 'rejects a status that is not one text value' {
        $err = { Send-TestOrderEvent @Bad -Status @{ value = 'FAILED' } -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError,*'
        $err.Exception.Message | Should -BeLike '*one text value*hashtable*'
    }

    It 'rejects CSV rows without an OrderId, says so, and writes nothing for them' {
        $csv = Join-Path $TestDrive 'orders.csv'
        "Status,Amount`nFAILED,10.5`nSHIPPED,3" | Set-Content $csv
        $out = @(Import-Csv $csv | Send-TestOrderEvent @Bad -ErrorVariable errs -ErrorAction SilentlyContinue -WarningVariable warns -WarningAction SilentlyContinue)
        $out | Should -HaveCount 0
        $errs | Should -HaveCount 2
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'OrderIdMissing,*'
        "$warns" | Should -BeLike '*2 of 2*not written*'
    }

    It 'writes the good CSV rows with their types' {
        $csv = Join-Path $TestDrive 'good.csv'
        "OrderId,Status,Amount,Timestamp`nORD-CSV-1,PENDING,10.50,1767225600000`nORD-CSV-2,FAILED,3,1767225600001" | Set-Content $csv
        $out = @(Import-Csv $csv | Send-TestOrderEvent @Bad)
        $out.OrderId | Should -Be @('ORD-CSV-1', 'ORD-CSV-2')
        $out[1].Timestamp | Should -Be 1767225600001
        $out[1].Status | Should -Be 'FAILED'
    }

    It 'refuses a blank status, a timestamp past 9999 and -Attribute values it cannot store as they are, before writing' {
        $err = { Send-TestOrderEvent @Bad -OrderId 'ORD-BLANK' -Status ' ' -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'StatusMissing,*'
        $err.Exception.Message | Should -BeLike "Order 'ORD-BLANK' has no Status*"
        $err = { Send-TestOrderEvent @Bad -OrderId 'ORD-9999' -Timestamp 253402300800000 -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
        $err = { Send-TestOrderEvent @Bad -OrderId 'ORD-OWN' -Attribute @{ status = 'FAILED' } -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'AttributeInvalid,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -BeLike "*'status'*-Status*"
        $err = { Send-TestOrderEvent @Bad -OrderId 'ORD-NAN' -Attribute @{ score = [double]::NaN } -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'AttributeInvalid,*'
        $err.Exception.Message | Should -BeLike "*'score'*finite*"
        $stored = @(Get-StoredOrderId)
        foreach ($id in 'ORD-BLANK', 'ORD-9999', 'ORD-OWN', 'ORD-NAN') { $stored | Should -Not -Contain $id }
    }

    It 'outputs what a failed batch call did not prevent, then names the events it did not write' {
        # Event 26 is larger than DynamoDB's 400 KB item limit, so the call carrying it fails with a ValidationException.
        $rows = 1..60 | ForEach-Object {
            $attribute = if ($_ -eq 26) { @{ blob = 'x' * 410000 } } else { @{ n = $_ } }
            [pscustomobject]@{ OrderId = "ORD-PART-$_"; Timestamp = 1767225600000 + $_; Attribute = $attribute }
        }
        $all = @($rows | Send-TestOrderEvent @Bad -ErrorAction Continue -WarningVariable warns -WarningAction SilentlyContinue 2>&1)
        $out = @($all | Where-Object { $_ -is [OrderMonitoring.OrderEventResult] })
        $errors = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $errors | Should -HaveCount 1
        $all[-1] | Should -BeOfType ([System.Management.Automation.ErrorRecord]) # the written events come first
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'OrderWriteIncomplete,*'
        $errors[0].Exception.Message | Should -BeLike "Wrote $($out.Count) of 60 order event(s)*$(60 - $out.Count) were not written (order 'ORD-PART-26'*ValidationException*"
        $out.OrderId | Should -Not -Contain 'ORD-PART-26'
        foreach ($i in 1..25) { $out.OrderId | Should -Contain "ORD-PART-$i" }
        "$warns" | Should -BeLike "*$(60 - $out.Count) of 60*not written*"
        # The output is exactly what the table holds of these events.
        @(Get-StoredOrderId | Where-Object { $_ -like 'ORD-PART-*' } | Sort-Object) | Should -Be @($out.OrderId | Sort-Object)
    }

    It 'with -Wait outputs the audited events and names the ones whose audit object did not appear' {
        $null = Send-TestOrderEvent @Bad -OrderId 'ORD-WAIT-1' -Timestamp 1767225600000
        $null = Invoke-OrderEventProcessor @Bad -FromStream -WarningAction SilentlyContinue
        $rows = @(
            [pscustomobject]@{ OrderId = 'ORD-WAIT-1'; Timestamp = 1767225600000 } # already audited
            [pscustomobject]@{ OrderId = 'ORD-WAIT-2'; Timestamp = 1767225600000 } # the processor does not run again
        )
        $all = @($rows | Send-TestOrderEvent @Bad -Force -Wait -TimeoutSeconds 1 -ErrorAction Continue 2>&1)
        $all | Should -HaveCount 2
        $all[0].OrderId | Should -Be 'ORD-WAIT-1'
        $all[0].AuditKey | Should -BeLike '*ORD-WAIT-1*'
        $all[0].AuditLatency | Should -BeOfType ([TimeSpan])
        $all[1].FullyQualifiedErrorId | Should -BeLike 'AuditTimeout,*'
        $all[1].Exception.Message | Should -BeLike "2 event(s) were written, but for 1 of them*'ORD-WAIT-2'*"
        $all[1].Exception.Message | Should -Not -BeLike "*'ORD-WAIT-1'*"
    }

    It 'rejects a negative count at binding' {
        $err = { Send-TestOrderEvent @Bad -Count -5 -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
    }

    It 'reports an unreadable event file and processes nothing' {
        $before = Get-AuditObjectCount -Factory $Factory -BucketName $BadBucket
        $err = { Invoke-OrderEventProcessor @Bad -Path (Join-Path $TestDrive 'missing.json') -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'EventFileUnreadable,*'
        $err = { Invoke-OrderEventProcessor @Bad -Path $TestDrive -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'EventFileUnreadable,*'
        $err = { '{ not json' | Set-Content (Join-Path $TestDrive 'broken.json'); Invoke-OrderEventProcessor @Bad -Path (Join-Path $TestDrive 'broken.json') -ErrorAction Stop } |
            Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'NotAStreamEvent,*'
        Get-AuditObjectCount -Factory $Factory -BucketName $BadBucket | Should -Be $before
    }

    It 'reports an order without audit records' {
        $err = { Get-OrderAuditLog @Bad -OrderId 'ORD-NONE' -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'AuditLogNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
