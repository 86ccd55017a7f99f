using System.Text.Json;
using System.Xml.Linq;
using Amazon;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using OrderMonitoring.Aws;
using OrderMonitoring.Aws.Sns;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Observability;
using OrderMonitoring.Processor.Tests.Fakes;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Processor.Tests;

/// <summary>The S3 store and SNS publisher against moto on 127.0.0.1, wired exactly as the Lambda wires them.</summary>
[Collection(MotoCollection.Name)]
public sealed class MotoIntegrationTests(MotoFixture moto)
{
    private AwsClientFactory Clients => new(new AwsConnection(RegionEndpoint.GetBySystemName(moto.Region), moto.Credentials, moto.Endpoint));

    [Fact]
    public async Task Audit_objects_land_in_a_versioned_bucket_and_a_retry_adds_a_version_not_a_key()
    {
        var bucket = "audit-" + Guid.NewGuid().ToString("N");
        using var s3 = Clients.CreateS3();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });

        using var services = ProcessorServices.Create(Clients, bucket, $"arn:aws:sns:{moto.Region}:{MotoServer.AccountId}:unused",
            new BatchProcessorOptions { Environment = "moto", LogSink = new JsonLogger(_ => { }) });
        var insert = Events.Insert("ORD/1 é", "PENDING");
        var ship = Events.Modify("ORD/1 é", "PENDING", "SHIPPED");
        var first = await services.Processor.ProcessAsync([insert, ship], services.Handler);
        var again = await services.Processor.ProcessAsync([ship], services.Handler);

        Assert.Equal((2, 1), (first.Audited, again.Audited));
        var versions = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Prefix = Audit.AuditKey.OrderPrefix("ORD/1 é") });
        var keys = versions.Versions!.GroupBy(v => v.Key).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(2, keys.Count);
        Assert.Equal(2, keys[Audit.AuditKey.ForRecord("ORD/1 é", ship.Dynamodb!.SequenceNumber!)]);

        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = Audit.AuditKey.OrderPrefix("ORD/1 é") });
        var listedSequences = await Task.WhenAll(listed.S3Objects!.Select(async o =>
        {
            using var read = await s3.GetObjectAsync(bucket, o.Key);
            Assert.Equal("application/json", read.Headers.ContentType);
            var audit = (await JsonDocument.ParseAsync(read.ResponseStream)).RootElement;
            Assert.Equal("ORD/1 é", audit.GetProperty("orderId").GetString());
            return audit.GetProperty("sequenceNumber").GetString()!;
        }));
        // S3 lists keys in byte order, which the key scheme makes stream order.
        Assert.Equal(new[] { insert.Dynamodb!.SequenceNumber!, ship.Dynamodb.SequenceNumber! }, listedSequences);
    }

    [Fact]
    public async Task An_alert_reaches_a_subscribed_queue_with_its_message_attributes()
    {
        var bucket = "audit-" + Guid.NewGuid().ToString("N");
        using var s3 = Clients.CreateS3();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        var topicArn = await CreateTopicAsync("alerts-" + Guid.NewGuid().ToString("N"));
        using var sqs = Clients.CreateSqs();
        var queueUrl = (await sqs.CreateQueueAsync("alerts-" + Guid.NewGuid().ToString("N"))).QueueUrl;
        var queueArn = (await sqs.GetQueueAttributesAsync(queueUrl, ["QueueArn"])).QueueARN;
        using var sns = Clients.CreateSns();
        await sns.SubscribeAsync(new SubscribeRequest { TopicArn = topicArn, Protocol = "sqs", Endpoint = queueArn });

        using var services = ProcessorServices.Create(Clients, bucket, topicArn, new BatchProcessorOptions { Environment = "moto", LogSink = new JsonLogger(_ => { }) });
        var failed = Events.Modify("ORD-42", "PENDING", "FAILED");
        var result = await services.Processor.ProcessAsync([failed], services.Handler);
        Assert.Equal((1, 1, 0), (result.Audited, result.Alerts, result.Failed));

        var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, WaitTimeSeconds = 5, MaxNumberOfMessages = 10 });
        var envelope = JsonDocument.Parse(Assert.Single(received.Messages!).Body).RootElement;
        Assert.Equal("Order Failed: ORD-42", envelope.GetProperty("Subject").GetString());
        var attributes = envelope.GetProperty("MessageAttributes");
        Assert.Equal("ORD-42", attributes.GetProperty("orderId").GetProperty("Value").GetString());
        Assert.Equal("FAILED", attributes.GetProperty("status").GetProperty("Value").GetString());
        Assert.Equal("MODIFY", attributes.GetProperty("eventType").GetProperty("Value").GetString());
        Assert.Equal("moto", attributes.GetProperty("environment").GetProperty("Value").GetString());
        Assert.Equal(failed.EventId, attributes.GetProperty("eventId").GetProperty("Value").GetString());
        // The default summary alert points at the audit object instead of carrying the order.
        var message = JsonDocument.Parse(envelope.GetProperty("Message").GetString()!).RootElement;
        Assert.Equal(Audit.AuditKey.ForRecord("ORD-42", failed.Dynamodb!.SequenceNumber!), message.GetProperty("auditKey").GetString());
        Assert.False(message.TryGetProperty("newImage", out _));
    }

    // Our SNS client has no CreateTopic (the stack creates topics), so the test asks moto directly.
    private async Task<string> CreateTopicAsync(string name)
    {
        using var http = new HttpClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Action"] = "CreateTopic", ["Version"] = "2010-03-31", ["Name"] = name });
        using var request = new HttpRequestMessage(HttpMethod.Post, moto.Endpoint) { Content = form };
        // moto picks the service from the credential scope and does not check the signature.
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential=test/20260101/{moto.Region}/sns/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        return xml.Descendants().Single(e => e.Name.LocalName == "TopicArn").Value;
    }
}
