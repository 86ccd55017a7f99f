using System.Collections.Concurrent;
using System.Text.Json;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.Infrastructure;
using OrderMonitoring.Cmdlets.Services.Audit;
using OrderMonitoring.Cmdlets.Services.Orders;
using OrderMonitoring.Cmdlets.Services.Processing;
using OrderMonitoring.Processor.Batch;

namespace OrderMonitoring.Cmdlets.Tests.Orders;

/// <summary>An order table in memory that can refuse items a given number of times (as throttled BatchWriteItem does).</summary>
internal sealed class FakeOrderTable : IOrderTable
{
    private readonly object _gate = new();
    private int _inFlight;

    public List<OrderEvent> Items { get; } = new();

    public List<int> BatchSizes { get; } = new();

    public int MaxObservedInFlight { get; private set; }

    /// <summary>Calls that have started and not yet ended (0 once the writer has finished every call).</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>Makes a call throw (as a service error would) when it returns an exception for the batch; nothing of that call is stored.</summary>
    public Func<IReadOnlyList<OrderEvent>, Exception?>? FailWith { get; set; }

    /// <summary>Awaited by every call that does not fail, before it stores anything (to hold calls in flight).</summary>
    public Func<CancellationToken, Task>? Hold { get; set; }

    /// <summary>How many calls leave the last item of the batch unprocessed.</summary>
    public int RefuseLastItemTimes { get; set; }

    public Dictionary<string, string> CurrentStatus { get; } = new(StringComparer.Ordinal);

    public List<(string OrderId, string Status)> StatusIndex { get; } = new();

    public int StatusPageSize { get; set; } = 2;

    public async Task<IReadOnlyList<OrderEvent>> WriteBatchAsync(string tableName, IReadOnlyList<OrderEvent> events, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _inFlight++;
            MaxObservedInFlight = Math.Max(MaxObservedInFlight, _inFlight);
            BatchSizes.Add(events.Count);
        }

        try
        {
            await Task.Delay(5, cancellationToken);
            if (FailWith?.Invoke(events) is { } failure)
            {
                throw failure;
            }

            if (Hold is not null)
            {
                await Hold(cancellationToken);
            }
        }
        finally
        {
            lock (_gate)
            {
                _inFlight--;
            }
        }

        lock (_gate)
        {
            if (events.Select(e => e.ItemKey).Distinct().Count() != events.Count)
            {
                throw new InvalidOperationException("Provided list of item keys contains duplicates");
            }

            var refused = RefuseLastItemTimes > 0 ? 1 : 0;
            RefuseLastItemTimes -= refused;
            Items.AddRange(events.Take(events.Count - refused));
            return events.Skip(events.Count - refused).ToList();
        }
    }

    public Task<StatusQueryPage> QueryStatusAsync(string tableName, string status, long since, long until, object? continuation, CancellationToken cancellationToken)
    {
        var start = continuation is int offset ? offset : 0;
        var matching = StatusIndex.Where(e => e.Status == status).Select(e => e.OrderId).ToList();
        var page = matching.Skip(start).Take(StatusPageSize).ToList();
        object? next = start + StatusPageSize < matching.Count ? start + StatusPageSize : null;
        return Task.FromResult(new StatusQueryPage(page, next));
    }

    public Task<string?> GetCurrentStatusAsync(string tableName, string orderId, CancellationToken cancellationToken) =>
        Task.FromResult(CurrentStatus.TryGetValue(orderId, out var status) ? status : null);
}

/// <summary>An audit bucket in memory with S3's byte-order listing and paging.</summary>
internal sealed class FakeAuditStore : IAuditObjectStore
{
    public SortedDictionary<string, string> Objects { get; } = new(StringComparer.Ordinal);

    public int PageSize { get; set; } = 1000;

    public ConcurrentBag<string> Reads { get; } = new();

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

    /// <summary>A pause inside each listing, so concurrent listings overlap.</summary>
    public TimeSpan ListDelay { get; set; }

    public async Task<KeyPage> ListAsync(string bucketName, string prefix, string? continuationToken, CancellationToken cancellationToken)
    {
        lock (_listGate)
        {
            _listCalls++;
            _listsInFlight++;
            _maxListsInFlight = Math.Max(_maxListsInFlight, _listsInFlight);
        }

        try
        {
            if (ListDelay > TimeSpan.Zero)
            {
                await Task.Delay(ListDelay, cancellationToken);
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
        lock (Objects)
        {
            return Task.FromResult(Objects.TryGetValue(key, out var json) ? json : null);
        }
    }
}

/// <summary>A processor that fails chosen sequence numbers a chosen number of times (records of the order after it fail too).</summary>
internal sealed class ScriptedProcessor : IRecordProcessor
{
    public Dictionary<string, int> FailuresLeft { get; } = new(StringComparer.Ordinal);

    public List<List<string>> Calls { get; } = new();

    public Task<BatchResult> ProcessAsync(IReadOnlyList<StreamRecord> records, CancellationToken cancellationToken)
    {
        var sequences = records.Select(r => r.Dynamodb!.SequenceNumber!).ToList();
        Calls.Add(sequences);
        var failedAt = sequences.FindIndex(s => FailuresLeft.TryGetValue(s, out var left) && left > 0);
        if (failedAt >= 0)
        {
            FailuresLeft[sequences[failedAt]]--;
        }

        var failures = failedAt < 0 ? new List<BatchItemFailure>() : sequences.Skip(failedAt).Select(s => new BatchItemFailure(s, null)).ToList();
        return Task.FromResult(new BatchResult
        {
            Records = records.Count, Audited = records.Count - failures.Count, Failed = failures.Count, BatchItemFailures = failures,
        });
    }
}

/// <summary>A stream in memory: shards with records; closed shards end, open ones return empty pages at the tip.</summary>
internal sealed class FakeStreams : IAmazonDynamoDBStreams
{
    public List<(Shard Shard, List<StreamRecord> Records)> Shards { get; } = new();

    public List<GetShardIteratorRequest> IteratorRequests { get; } = new();

    public void AddShard(string id, string? parent, bool closed, params long[] sequences) =>
        Shards.Add((new Shard
        {
            ShardId = id,
            ParentShardId = parent,
            SequenceNumberRange = new SequenceNumberRange
            {
                StartingSequenceNumber = sequences.FirstOrDefault().ToString(),
                EndingSequenceNumber = closed ? sequences.LastOrDefault().ToString() : null,
            },
        }, sequences.Select(Record).ToList()));

    public static StreamRecord Record(long sequence) => new()
    {
        EventSource = "aws:dynamodb",
        EventName = "INSERT",
        Dynamodb = new StreamRecordData { SequenceNumber = sequence.ToString(), ApproximateCreationDateTime = JsonDocument.Parse("1767225600").RootElement },
    };

    public Task<ListStreamsResponse> ListStreamsAsync(ListStreamsRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ListStreamsResponse());

    public Task<DescribeStreamResponse> DescribeStreamAsync(DescribeStreamRequest request, CancellationToken cancellationToken = default)
    {
        // Two shards per page, so the all-shards paging is exercised.
        var start = request.ExclusiveStartShardId is null ? 0 : Shards.FindIndex(s => s.Shard.ShardId == request.ExclusiveStartShardId) + 1;
        var page = Shards.Skip(start).Take(2).Select(s => s.Shard).ToList();
        return Task.FromResult(new DescribeStreamResponse
        {
            StreamDescription = new StreamDescription
            {
                StreamArn = request.StreamArn, Shards = page,
                LastEvaluatedShardId = start + 2 < Shards.Count ? page[page.Count - 1].ShardId : null,
            },
        });
    }

    public Task<GetShardIteratorResponse> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default)
    {
        IteratorRequests.Add(request);
        var records = Shards.Single(s => s.Shard.ShardId == request.ShardId).Records;
        var position = request.ShardIteratorType switch
        {
            ShardIteratorType.LATEST => records.Count,
            ShardIteratorType.AFTER_SEQUENCE_NUMBER => records.FindIndex(r => r.Dynamodb!.SequenceNumber == request.SequenceNumber) + 1,
            _ => 0,
        };
        return Task.FromResult(new GetShardIteratorResponse { ShardIterator = $"{request.ShardId}|{position}" });
    }

    public Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default)
    {
        var parts = request.ShardIterator.Split('|');
        var (shard, records) = Shards.Single(s => s.Shard.ShardId == parts[0]);
        var position = int.Parse(parts[1]);
        var page = records.Skip(position).Take(request.Limit ?? 1000).ToList();
        var next = position + page.Count;
        var closed = shard.SequenceNumberRange?.EndingSequenceNumber is not null;
        return Task.FromResult(new GetRecordsResponse
        {
            Records = page,
            NextShardIterator = closed && next >= records.Count ? null : $"{parts[0]}|{next}",
        });
    }

    public void Dispose()
    {
    }
}

internal sealed class MemoryCheckpoints : ICheckpointStore
{
    public Dictionary<string, ShardCheckpoint> Saved { get; } = new(StringComparer.Ordinal);

    public ShardCheckpoint? Get(string streamArn, string shardId) => Saved.TryGetValue(shardId, out var checkpoint) ? checkpoint : null;

    public void Save(string streamArn, string shardId, ShardCheckpoint checkpoint) => Saved[shardId] = checkpoint;
}

internal sealed class MemoryFailureQueue : IFailureQueue
{
    public List<FailedRange> Sent { get; } = new();

    public Task SendAsync(FailedRange range, CancellationToken cancellationToken)
    {
        Sent.Add(range);
        return Task.CompletedTask;
    }
}

/// <summary>Keeps what a service reports, for assertions.</summary>
internal sealed class RecordingReporter : IOperationReporter
{
    public ConcurrentQueue<string> Warnings { get; } = new();

    public ConcurrentQueue<OperationProgress> ProgressUpdates { get; } = new();

    public void Verbose(string message)
    {
    }

    public void Warning(string message) => Warnings.Enqueue(message);

    public void Progress(OperationProgress progress) => ProgressUpdates.Enqueue(progress);

    public void Output(object item)
    {
    }
}
