# What users pipe into the order cmdlets (Import-Csv, ConvertFrom-Json, plain strings) is stored and read back as given,
# or refused row by row with the module's own error; never altered or dropped silently. Runs against moto (127.0.0.1).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport/OrdersSuite.ps1')

    $script:In = @{ Environment = 'ordersinput' } + $Aws
    $null = New-OrderMonitoringStack @In -ProcessorTrigger External
    $script:Table = Get-StackResourceId -Factory $Factory -StackName 'order-monitoring-ordersinput' -LogicalId OrderEventsTable

    # The stored item of an order (this file gives every order one timestamp), or $null.
    function script:Get-StoredItem([string] $OrderId) {
        $dynamo = $Factory.CreateDynamoDB()
        $key = [System.Collections.Generic.Dictionary[string, Amazon.DynamoDBv2.Model.AttributeValue]]::new()
        $key['orderId'] = [Amazon.DynamoDBv2.Model.AttributeValue]@{ S = $OrderId }
        $key['timestamp'] = [Amazon.DynamoDBv2.Model.AttributeValue]@{ N = '1767225600000' }
        $item = $dynamo.GetItemAsync($Table, $key).GetAwaiter().GetResult().Item
        if ($item -and $item.Count -gt 0) { $item } else { $null }
    }
    $script:T = 1767225600000
}

AfterAll { Stop-OrdersSuite }

Describe 'Send-TestOrderEvent reads piped amounts as written' {
    It 'stores an empty Amount cell as no amount and refuses "12,50" and "abc" naming the row, writing nothing for them' {
        $csv = Join-Path $TestDrive 'amounts.csv'
        @(
            'OrderId,Status,Amount,Timestamp'
            "ORD-AMT-EMPTY,PENDING,,$T"
            "ORD-AMT-COMMA,PENDING,`"12,50`",$T"
            "ORD-AMT-TEXT,PENDING,abc,$T"
            "ORD-AMT-OK,PENDING,12.50,$T"
        ) | Set-Content $csv
        $out = @(Import-Csv $csv | Send-TestOrderEvent @In -ErrorVariable errs -ErrorAction SilentlyContinue -WarningVariable warns -WarningAction SilentlyContinue)

        $out.OrderId | Should -Be @('ORD-AMT-EMPTY', 'ORD-AMT-OK')
        $errs | Should -HaveCount 2
        foreach ($err in $errs) {
            $err.FullyQualifiedErrorId | Should -BeLike 'AmountInvalid,*'
            $err.CategoryInfo.Category | Should -BeIn @('InvalidArgument', 'InvalidData')
        }
        $errs[0].Exception.Message | Should -BeLike "Input object 2 (order 'ORD-AMT-COMMA')*'12,50'*not written*"
        $errs[1].Exception.Message | Should -BeLike "Input object 3 (order 'ORD-AMT-TEXT')*'abc'*not written*"
        "$warns" | Should -BeLike '*2 of 4*not written*'

        (Get-StoredItem 'ORD-AMT-EMPTY').ContainsKey('amount') | Should -BeFalse
        (Get-StoredItem 'ORD-AMT-OK')['amount'].N | Should -Be '12.50'
        Get-StoredItem 'ORD-AMT-COMMA' | Should -BeNullOrEmpty
        Get-StoredItem 'ORD-AMT-TEXT' | Should -BeNullOrEmpty
    }

    It 'gives an empty OrderId cell, or an empty -OrderId, the module''s OrderIdMissing error' {
        $csv = Join-Path $TestDrive 'ids.csv'
        "OrderId,Status,Timestamp`n,FAILED,$T`nORD-ID-OK,PENDING,$T" | Set-Content $csv
        $out = @(Import-Csv $csv | Send-TestOrderEvent @In -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)

        $out.OrderId | Should -Be @('ORD-ID-OK')
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'OrderIdMissing,*'
        $errs[0].Exception.Message | Should -BeLike 'Input object 1 *'
        $err = { Send-TestOrderEvent @In -OrderId '' -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'OrderIdMissing,*'
    }
}

Describe 'Send-TestOrderEvent -Attribute takes objects' {
    It 'stores a ConvertFrom-Json object like a hashtable, nested values too, given or piped' {
        $json = '{"channel":"web","gift":{"wrap":true,"note":"hi"},"tags":["a","b"],"items":3}'
        $null = Send-TestOrderEvent @In -OrderId 'ORD-JSON-1' -Timestamp $T -Attribute ($json | ConvertFrom-Json)
        $null = [pscustomobject]@{ OrderId = 'ORD-JSON-2'; Timestamp = $T; Attribute = ($json | ConvertFrom-Json) } | Send-TestOrderEvent @In

        foreach ($id in 'ORD-JSON-1', 'ORD-JSON-2') {
            $item = Get-StoredItem $id
            $item['channel'].S | Should -Be 'web'
            $item['gift'].M['wrap'].BOOL | Should -BeTrue
            $item['gift'].M['note'].S | Should -Be 'hi'
            @($item['tags'].L.S) | Should -Be @('a', 'b')
            $item['items'].N | Should -Be '3'
        }
    }
}

Describe 'Statuses in any case and trimmed' {
    BeforeAll {
        $script:CaseSent = Send-TestOrderEvent @In -OrderId 'ORD-CASE-1' -Timestamp $T -Status ' failed '
        $null = Send-TestOrderEvent @In -OrderId 'ORD-CASE-2' -Timestamp $T -Status FAILED
        $null = Send-TestOrderEvent @In -OrderId 'ORD-CASE-3' -Timestamp $T -Status Failed
        $null = Invoke-OrderEventProcessor @In -FromStream -WarningAction SilentlyContinue
    }

    It 'stores the status trimmed in upper case and says so in the output' {
        $CaseSent.Status | Should -BeExactly 'FAILED'
        (Get-StoredItem 'ORD-CASE-1')['status'].S | Should -BeExactly 'FAILED'
    }

    It 'finds FAILED orders when asked for "failed"' {
        $found = @(Get-OrderAuditLog @In -Status ' failed' -Since ([DateTimeOffset]::FromUnixTimeMilliseconds($T - 1000).UtcDateTime))
        @($found.OrderId | Sort-Object -Unique) | Should -Be @('ORD-CASE-1', 'ORD-CASE-2', 'ORD-CASE-3')
    }

    It 'stops after -First orders, and when Select-Object -First has enough' {
        $since = [DateTimeOffset]::FromUnixTimeMilliseconds($T - 1000).UtcDateTime
        $first = @(Get-OrderAuditLog @In -Status FAILED -Since $since -First 2)
        @($first.OrderId | Sort-Object -Unique) | Should -HaveCount 2
        $one = @(Get-OrderAuditLog @In -Status FAILED -Since $since -ErrorAction Stop | Select-Object -First 1)
        $one | Should -HaveCount 1
        $one[0].Status | Should -Be 'FAILED'
    }
}

Describe 'Get-OrderAuditLog -OrderId from the pipeline' {
    It 'binds plain strings' {
        $records = @('ORD-CASE-1', 'ORD-CASE-2' | Get-OrderAuditLog @In)
        $records.OrderId | Should -Be @('ORD-CASE-1', 'ORD-CASE-2')
    }

    It 'still binds objects by their OrderId property, a number too, and never reads an object as its text' {
        $records = @([pscustomobject]@{ OrderId = 'ORD-CASE-2' } | Get-OrderAuditLog @In)
        $records.OrderId | Should -Be @('ORD-CASE-2')
        $null = Send-TestOrderEvent @In -OrderId '123' -Timestamp $T
        $null = Invoke-OrderEventProcessor @In -FromStream -WarningAction SilentlyContinue
        $records = @('{"OrderId":123}' | ConvertFrom-Json | Get-OrderAuditLog @In)
        $records.OrderId | Should -Be @('123')
        $err = { [pscustomobject]@{ Id = 'ORD-CASE-2' } | Get-OrderAuditLog @In -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError,*'
        $err.Exception.Message | Should -BeLike '*object with an OrderId property*'
    }
}
