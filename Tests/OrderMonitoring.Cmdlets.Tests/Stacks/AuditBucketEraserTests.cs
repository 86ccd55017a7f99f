using System.Net;
using Amazon.S3;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Cmdlets.Tests.Foundation;

namespace OrderMonitoring.Cmdlets.Tests.Stacks;

public sealed class AuditBucketEraserTests
{
    private readonly FakeVersionedBucket _bucket = new();
    private readonly RecordingReporter _reporter = new();

    [Fact]
    public async Task An_empty_page_that_says_more_follow_is_not_the_end()
    {
        _bucket.Add(5);
        _bucket.EmptyTruncatedPageFirst = true;

        await new AuditBucketEraser(_bucket).EraseAsync("b", _reporter, CancellationToken.None);

        Assert.Equal(5, _bucket.VersionsDeleted);
        Assert.Empty(_bucket.Versions);
        Assert.True(_bucket.Deleted);
    }

    [Fact]
    public async Task A_wipe_that_failed_half_way_names_the_s3_operation_and_finishes_when_run_again()
    {
        _bucket.Add(5);
        _bucket.PageSize = 2;
        _bucket.FailDeleteObjectsOnCall = 2;
        var eraser = new AuditBucketEraser(_bucket);

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() => eraser.EraseAsync("b", _reporter, CancellationToken.None));
        Assert.Equal("AuditDataDeletionFailed", error.ErrorId);
        Assert.Contains("S3 DeleteObjects on b failed after 2 versions were deleted", error.Message, StringComparison.Ordinal);
        Assert.Contains("again", error.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal(3, _bucket.Versions.Count);

        await eraser.EraseAsync("b", _reporter, CancellationToken.None);
        Assert.Equal(5, _bucket.VersionsDeleted);
        Assert.True(_bucket.Deleted);
    }

    [Fact]
    public async Task A_bucket_that_got_new_versions_meanwhile_is_listed_again()
    {
        _bucket.Add(2);
        _bucket.VersionsArrivingBeforeFirstDeleteBucket = 3;

        await new AuditBucketEraser(_bucket).EraseAsync("b", _reporter, CancellationToken.None);

        Assert.Equal(5, _bucket.VersionsDeleted);
        Assert.True(_bucket.Deleted);
    }

    [Fact]
    public async Task A_missing_bucket_is_already_erased()
    {
        _bucket.Exists = false;

        await new AuditBucketEraser(_bucket).EraseAsync("b", _reporter, CancellationToken.None);

        Assert.Equal(0, _bucket.VersionsDeleted);
        Assert.False(_bucket.Deleted);
        Assert.Contains(_reporter.Verbose, m => m.Contains("does not exist", StringComparison.Ordinal));
    }

    private sealed class FakeVersionedBucket : IVersionedBucketClient
    {
        private int _deleteObjectsCalls;
        private int _serial;

        public List<ObjectVersionId> Versions { get; } = new();
        public int PageSize { get; set; } = 1000;
        public bool EmptyTruncatedPageFirst { get; set; }
        public int FailDeleteObjectsOnCall { get; set; }
        public int VersionsArrivingBeforeFirstDeleteBucket { get; set; }
        public bool Exists { get; set; } = true;
        public bool Deleted { get; private set; }
        public int VersionsDeleted { get; private set; }

        public void Add(int count)
        {
            for (var i = 0; i < count; i++)
            {
                Versions.Add(new ObjectVersionId($"k{_serial:D4}", $"v{_serial++}"));
            }
        }

        public Task<BucketVersionPage?> ListVersionsAsync(string bucket, VersionMarker? marker, CancellationToken cancellationToken)
        {
            var keyMarker = marker?.KeyMarker;
            if (!Exists)
            {
                return Task.FromResult<BucketVersionPage?>(null);
            }

            if (EmptyTruncatedPageFirst)
            {
                EmptyTruncatedPageFirst = false;
                return Task.FromResult<BucketVersionPage?>(new BucketVersionPage(Array.Empty<ObjectVersionId>(), true, new VersionMarker("", "0")));
            }

            var remaining = Versions.Where(v => keyMarker is null or "" || string.CompareOrdinal(v.Key, keyMarker) > 0).ToList();
            var page = remaining.Take(PageSize).ToList();
            var truncated = remaining.Count > PageSize;
            return Task.FromResult<BucketVersionPage?>(new BucketVersionPage(page, truncated, new VersionMarker(truncated ? page[^1].Key : null, truncated ? page[^1].VersionId : null)));
        }

        public Task<IReadOnlyList<string>> DeleteVersionsAsync(string bucket, IReadOnlyList<ObjectVersionId> versions, CancellationToken cancellationToken)
        {
            if (++_deleteObjectsCalls == FailDeleteObjectsOnCall)
            {
                throw new AmazonS3Exception("Service unavailable", Amazon.Runtime.ErrorType.Receiver, "ServiceUnavailable", "r", HttpStatusCode.ServiceUnavailable);
            }

            VersionsDeleted += Versions.RemoveAll(versions.Contains);
            return Task.FromResult<IReadOnlyList<string>>(Array.Empty<string>());
        }

        public Task<bool> DeleteBucketAsync(string bucket, CancellationToken cancellationToken)
        {
            if (VersionsArrivingBeforeFirstDeleteBucket > 0)
            {
                Add(VersionsArrivingBeforeFirstDeleteBucket);
                VersionsArrivingBeforeFirstDeleteBucket = 0;
            }

            Deleted = Versions.Count == 0;
            return Task.FromResult(Deleted);
        }
    }
}
