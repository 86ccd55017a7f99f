using Amazon.S3;
using Amazon.S3.Model;
using OrderMonitoring.Cmdlets.FailedBatches;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Cmdlets.Tests.FailedBatches;

/// <summary>The failed-batches bucket on moto, listed a page at a time: each page of records less the ones with a replayed marker.</summary>
[Collection(MotoCollection.Name)]
public sealed class S3FailedBatchStoreTests(MotoFixture moto) : IAsyncLifetime
{
    private const string Bucket = "failed-batches-paging";

    private readonly AmazonS3Client _s3 = new(moto.Credentials,
        new AmazonS3Config { ServiceURL = moto.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = moto.Region });

    public async Task InitializeAsync()
    {
        await moto.Server.ResetAsync();
        await _s3.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
    }

    public Task DisposeAsync()
    {
        _s3.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Pages_hold_at_most_the_page_size_and_leave_out_records_marked_replayed_whatever_the_markers_of_other_pages()
    {
        var keys = Enumerable.Range(1, 7).Select(i => $"aws/lambda/local/shardId-1/2026/01/01/2026-01-01T00.00.0{i}-k{i}").ToList();
        foreach (var key in keys)
        {
            await Put(key, "{}");
        }

        var store = new S3FailedBatchStore(_s3, Bucket, pageSize: 2);
        // Markers for records 2, 3, 4 and 6 (more than one page of markers for the second page's range), and one whose record is gone.
        foreach (var replayed in new[] { keys[1], keys[2], keys[3], keys[5], "aws/lambda/local/shardId-0/gone" })
        {
            await store.MarkReplayedAsync(replayed, "{}", default);
        }

        var pages = new List<PendingPage>();
        string? next = null;
        do
        {
            var page = await store.ListPendingPageAsync(next, default);
            pages.Add(page);
            next = page.Next;
        }
        while (next is not null);

        Assert.Equal(4, pages.Count);
        Assert.Equal([[keys[0]], [], [keys[4]], [keys[6]]], pages.Select(p => p.Keys.ToArray()));
    }

    private Task Put(string key, string body) => _s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, ContentBody = body });
}
