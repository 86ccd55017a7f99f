using System.Collections.Concurrent;
using System.Text.Json;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Cmdlets.AuditLog;

namespace OrderMonitoring.Cmdlets.Tests.AuditLog;

/// <summary>An audit bucket in memory with S3's byte-order listing and paging.</summary>
internal sealed class FakeAuditStore : IAuditObjectStore
{
    public SortedDictionary<string, string> Objects { get; } = new(StringComparer.Ordinal);

    public int PageSize { get; set; } = 1000;

    public ConcurrentBag<string> Reads { get; } = new();

    /// <summary>Keys in an archive storage class: GetObject answers them as S3 does, 403 InvalidObjectState.</summary>
    public HashSet<string> Archived { get; } = new(StringComparer.Ordinal);

    private readonly object _listGate = new();
    private int _listCalls;
    private int _listsInFlight;
    private int _maxListsInFlight;

    public int ListCalls
    {
        get
        {
            lock (_listGate)
            {
                return _listCalls;
            }
        }
    }

    /// <summary>The most listings that ran at the same time.</summary>
    public int MaxListsInFlight
    {
        get
        {
            lock (_listGate)
            {
                return _maxListsInFlight;
            }
        }
    }

    /// <summary>
    /// When set, listings wait until this many are in flight at once (then all go on): proof of overlap without a
    /// sleep. A caller that never runs that many at once fails on the guard instead of passing.
    /// </summary>
    public int? HoldListsUntilInFlight { get; set; }

    private readonly TaskCompletionSource _enoughInFlight = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<KeyPage> ListAsync(string bucketName, string prefix, string? continuationToken, CancellationToken cancellationToken)
    {
        lock (_listGate)
        {
            _listCalls++;
            _listsInFlight++;
            _maxListsInFlight = Math.Max(_maxListsInFlight, _listsInFlight);
            if (_listsInFlight >= HoldListsUntilInFlight)
            {
                _enoughInFlight.TrySetResult();
            }
        }

        try
        {
            if (HoldListsUntilInFlight is not null)
            {
                // A guard against hanging, not a speed check.
                await _enoughInFlight.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }

            return List(prefix, continuationToken);
        }
        finally
        {
            lock (_listGate)
            {
                _listsInFlight--;
            }
        }
    }

    private KeyPage List(string prefix, string? continuationToken)
    {
        lock (Objects)
        {
            var keys = Objects.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Where(k => continuationToken is null || string.CompareOrdinal(k, continuationToken) > 0).Take(PageSize + 1).ToList();
            var page = keys.Take(PageSize).ToList();
            return new KeyPage(page, keys.Count > PageSize ? page[page.Count - 1] : null);
        }
    }

    public Task<string?> ReadAsync(string bucketName, string key, CancellationToken cancellationToken)
    {
        Reads.Add(key);
        if (Archived.Contains(key))
        {
            return Task.FromException<string?>(new Amazon.S3.AmazonS3Exception("The operation is not valid for the object's storage class")
            {
                ErrorCode = "InvalidObjectState", StatusCode = System.Net.HttpStatusCode.Forbidden,
            });
        }

        lock (Objects)
        {
            return Task.FromResult(Objects.TryGetValue(key, out var json) ? json : null);
        }
    }

    public async Task<StoredText?> ReadWithMetadataAsync(string bucketName, string key, CancellationToken cancellationToken) =>
        await ReadAsync(bucketName, key, cancellationToken) is { } json ? new StoredText(json, null, null) : null;
}
