# The artifacts bucket New-OrderMonitoringStack uploads the template and the processor zip to, as users run it against
# moto on 127.0.0.1: whose bucket it is, what is in it, and what the stack points at.
#
# moto does not enforce ExpectedBucketOwner (real S3 answers 403 when the owner differs), so the ownership check the
# module makes works without it: the bucket must be among the caller's own buckets (ListBuckets). Another account is
# played by moto's x-moto-account-id header, which makes a request act as that account.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport/OrdersSuite.ps1')
    $script:Account = '123456789012'
    $script:OtherAccount = '111111111111'
    $script:LocalZip = Get-Item (Join-Path (Split-Path $ManifestPath) 'processor/order-processor-*.zip') | Sort-Object LastWriteTimeUtc | Select-Object -Last 1

    function Invoke-AsOtherAccount {
        <# An S3 REST call as another moto account (moto checks no signature, only that one is there). #>
        param([string] $Method, [string] $Path, [string] $Body)
        $headers = @{
            'x-moto-account-id' = $OtherAccount
            Authorization       = 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0'
        }
        $call = @{ Uri = "$($Server.Endpoint)/$Path"; Method = $Method; Headers = $headers; UseBasicParsing = $true }
        if ($Body) { $call.Body = $Body }
        Invoke-WebRequest @call
    }

    function Get-OtherAccountKeyCount([string] $Bucket) {
        $listing = [xml](Invoke-AsOtherAccount -Method Get -Path "${Bucket}?list-type=2").Content
        [int] $listing.ListBucketResult.KeyCount
    }
}

AfterAll { Stop-OrdersSuite }

Describe 'The README''s example region' {
    # moto refuses the legacy EU location constraint the SDK sends for eu-west-1 (real S3 accepts both it and the
    # region name); the module sends the region name.
    It 'deploys to eu-west-1, creating the artifacts bucket there' {
        $stack = New-OrderMonitoringStack -Environment euw -Region eu-west-1 -ProcessorTrigger External -EndpointUrl $Server.Endpoint -AccessKey test -SecretKey test -ErrorAction Stop
        $stack.Status | Should -Be 'CREATE_COMPLETE'
        $stack.Region | Should -Be 'eu-west-1'
        $location = $Factory.CreateS3().GetBucketLocationAsync("order-monitoring-artifacts-$Account-eu-west-1").GetAwaiter().GetResult()
        $location.Location.Value | Should -Be 'eu-west-1'
    }
}
