# The Pester side of the local AWS: moto on loopback answers, keeps data, and is gone after Stop-MotoServer.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport/MotoServer.psm1') -Force
}

Describe 'MotoServer test support' {
    It 'serves S3 on 127.0.0.1 and stops by its process id' {
        $server = Start-MotoServer
        try {
            ([uri]$server.Endpoint).Host | Should -Be '127.0.0.1'
            Test-ProcessRunning $server.ProcessId | Should -BeTrue

            # moto accepts unsigned writes; reading an object back needs an identity (any test/test credential),
            # because an anonymous caller may not read a private object.
            $identity = @{ Authorization = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0' }
            $null = Invoke-WebRequest -Method Put -Uri "$($server.Endpoint)/pester-check" -UseBasicParsing
            $null = Invoke-WebRequest -Method Put -Uri "$($server.Endpoint)/pester-check/hello.txt" -Body 'hello moto' -ContentType 'text/plain' -UseBasicParsing
            $listing = [xml](Invoke-WebRequest -Uri "$($server.Endpoint)/" -UseBasicParsing).Content
            $listing.ListAllMyBucketsResult.Buckets.Bucket.Name | Should -Contain 'pester-check'
            (Invoke-WebRequest -Uri "$($server.Endpoint)/pester-check/hello.txt" -Headers $identity -UseBasicParsing).Content | Should -Be 'hello moto'
        }
        finally {
            Stop-MotoServer $server
        }
        Test-ProcessRunning $server.ProcessId | Should -BeFalse
    }

    It 'can be stopped twice without error' {
        $server = Start-MotoServer
        Stop-MotoServer $server
        { Stop-MotoServer $server } | Should -Not -Throw
        Test-ProcessRunning $server.ProcessId | Should -BeFalse
    }
}
