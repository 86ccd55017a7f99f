using Amazon.S3;
using Amazon.S3.Model;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Aws.Tests;

/// <summary>The local AWS every integration test relies on: it answers, it holds data, and it goes away by its PID.</summary>
public sealed class MotoFixtureTests
{
    [Fact]
    public async Task Server_on_loopback_stores_a_bucket_and_stops_by_its_process_id()
    {
        int processId;
        using (var server = await MotoServer.StartAsync())
        {
            processId = server.ProcessId;
            Assert.Equal("127.0.0.1", server.Endpoint.Host);

            using var s3 = new AmazonS3Client(
                new Amazon.Runtime.BasicAWSCredentials(MotoServer.AccessKey, MotoServer.SecretKey),
                new AmazonS3Config { ServiceURL = server.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = MotoServer.Region });

            await s3.PutBucketAsync(new PutBucketRequest { BucketName = "fixture-check" });
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "fixture-check", Key = "hello.txt", ContentBody = "hello moto" });

            var buckets = await s3.ListBucketsAsync(new ListBucketsRequest());
            Assert.Contains(buckets.Buckets!, b => b.BucketName == "fixture-check");
            using var read = await s3.GetObjectAsync("fixture-check", "hello.txt");
            using var reader = new StreamReader(read.ResponseStream);
            Assert.Equal("hello moto", await reader.ReadToEndAsync());
        }

        Assert.False(IsRunning(processId), $"moto_server (pid {processId}) is still running after Dispose.");
    }

    [Fact]
    public async Task Two_servers_get_distinct_ports_and_reset_clears_state()
    {
        using var first = await MotoServer.StartAsync();
        using var second = await MotoServer.StartAsync();
        Assert.NotEqual(first.Port, second.Port);

        using var s3 = new AmazonS3Client(
            new Amazon.Runtime.BasicAWSCredentials(MotoServer.AccessKey, MotoServer.SecretKey),
            new AmazonS3Config { ServiceURL = first.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = MotoServer.Region });
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = "to-be-reset" });
        await first.ResetAsync();
        var buckets = await s3.ListBucketsAsync(new ListBucketsRequest());
        Assert.DoesNotContain(buckets.Buckets ?? [], b => b.BucketName == "to-be-reset");
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
