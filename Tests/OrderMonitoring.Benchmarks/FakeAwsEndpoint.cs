using System.Net;
using System.Text;
using System.Text.Json;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Benchmarks;

/// <summary>
/// A minimal DynamoDB + S3 endpoint on 127.0.0.1 that answers every request after a fixed latency, like one network
/// round trip: PutItem and BatchWriteItem (everything processed), ListObjectsV2 (by prefix, from a sorted key set),
/// GetObject, PutObject (counted, not kept) and SNS Publish. It measures our client code, not an emulator's speed.
/// </summary>
internal sealed class FakeAwsEndpoint : IDisposable
{
    private readonly HttpListener _listener;
    private readonly TimeSpan _latency;
    private readonly SortedSet<string> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _bodies = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private int _requests;
    private readonly Dictionary<string, int> _keysPut = new(StringComparer.Ordinal);
    private int _published;

    public FakeAwsEndpoint(TimeSpan latency)
    {
        _latency = latency;
        (_listener, var endpoint) = LoopbackHttpListener.Start();
        Url = endpoint.ToString();
        _ = Task.Run(AcceptLoopAsync);
    }

    public string Url { get; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>S3 PutObject calls and different keys written (a key written twice counts once) under <paramref name="prefix"/>.</summary>
    public (int Writes, int Keys) PutsUnder(string prefix)
    {
        lock (_keysPut)
        {
            var under = _keysPut.Where(entry => entry.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            return (under.Sum(entry => entry.Value), under.Count);
        }
    }

    /// <summary>SNS Publish calls answered.</summary>
    public int Published => Volatile.Read(ref _published);

    public int ItemsWritten;

    /// <summary>
    /// GetRecords answers of one closed shard, in order (the catch-up suite's stream that answers like DynamoDB Streams):
    /// the iterator of page i is "i"; DescribeStream names the one shard. Null answers Streams calls like any other.
    /// </summary>
    public IReadOnlyList<string>? StreamPages { get; set; }

    /// <summary>Items a Scan returns (the reconciliation suite); null answers Scan like any other write.</summary>
    public FakeScanTable? Table { get; set; }

    public void PutObject(string key, string body)
    {
        lock (_keys)
        {
            _keys.Add(key);
            _bodies[key] = body;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref _requests);
        await Task.Delay(_latency).ConfigureAwait(false);
        var request = context.Request;
        string body;
        var contentType = "application/x-amz-json-1.0";
        var target = request.Headers["X-Amz-Target"];
        if (target is not null)
        {
            using var reader = new StreamReader(request.InputStream);
            var json = await reader.ReadToEndAsync().ConfigureAwait(false);
            if (target.StartsWith("DynamoDBStreams_20120810.", StringComparison.Ordinal) && StreamPages is { } pages)
            {
                body = StreamAnswer(target.Substring(target.IndexOf('.') + 1), json, pages);
            }
            else if (target.EndsWith(".Scan", StringComparison.Ordinal) && Table is { } table)
            {
                body = table.Scan(json);
            }
            else if (target.EndsWith("BatchWriteItem", StringComparison.Ordinal))
            {
                using var document = JsonDocument.Parse(json);
                var count = document.RootElement.GetProperty("RequestItems").EnumerateObject().Sum(table => table.Value.GetArrayLength());
                Interlocked.Add(ref ItemsWritten, count);
                body = "{\"UnprocessedItems\":{}}";
            }
            else
            {
                Interlocked.Increment(ref ItemsWritten);
                body = "{}";
            }
        }
        else if (request.HttpMethod == "POST" && request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal) == true)
        {
            // A Query-protocol call; the only one the benchmarks make is SNS Publish.
            using var reader = new StreamReader(request.InputStream);
            var form = await reader.ReadToEndAsync().ConfigureAwait(false);
            if (!form.Contains("Action=Publish", StringComparison.Ordinal))
            {
                throw new NotSupportedException($"The fake endpoint answers no Query action but Publish: {form}");
            }

            Interlocked.Increment(ref _published);
            body = $"<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult><MessageId>{Guid.NewGuid()}</MessageId></PublishResult>"
                + "<ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></PublishResponse>";
            contentType = "text/xml";
        }
        else if (request.QueryString["list-type"] == "2" && request.QueryString["delimiter"] == "/")
        {
            lock (_keys)
            {
                body = FakeListings.Folders(_keys, request.QueryString["prefix"] ?? "", request.QueryString["continuation-token"]);
            }

            contentType = "application/xml";
        }
        else if (request.QueryString["list-type"] == "2")
        {
            body = ListObjects(request.QueryString["prefix"] ?? "");
            contentType = "application/xml";
        }
        else if (request.Url!.Query.Contains("versions"))
        {
            lock (_keys)
            {
                body = FakeListings.Versions(_keys, request.QueryString["prefix"] ?? "", request.QueryString["key-marker"]);
            }

            contentType = "application/xml";
        }
        else
        {
            // Path style: /bucket/key
            var path = Uri.UnescapeDataString(request.Url!.AbsolutePath);
            var key = path.Substring(path.IndexOf('/', 1) + 1);
            if (request.HttpMethod == "PUT")
            {
                lock (_keysPut)
                {
                    _keysPut[key] = _keysPut.TryGetValue(key, out var writes) ? writes + 1 : 1;
                }

                await request.InputStream.CopyToAsync(Stream.Null).ConfigureAwait(false);
            }

            lock (_keys)
            {
                body = _bodies.TryGetValue(key, out var stored) ? stored : "";
            }

            contentType = "application/json";
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.ContentType = contentType;
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        context.Response.Close();
    }

    private static string StreamAnswer(string operation, string json, IReadOnlyList<string> pages) => operation switch
    {
        "DescribeStream" => "{\"StreamDescription\":{\"StreamStatus\":\"ENABLED\",\"Shards\":[{\"ShardId\":\"shardId-fake\","
            + "\"SequenceNumberRange\":{\"StartingSequenceNumber\":\"1\",\"EndingSequenceNumber\":\"2\"}}]}}",
        "GetShardIterator" => "{\"ShardIterator\":\"0\"}",
        "GetRecords" => pages[int.Parse(JsonDocument.Parse(json).RootElement.GetProperty("ShardIterator").GetString()!, System.Globalization.CultureInfo.InvariantCulture)],
        _ => throw new NotSupportedException($"The fake stream answers no {operation}."),
    };

    private string ListObjects(string prefix)
    {
        List<string> keys;
        lock (_keys)
        {
            // A range of the sorted set: what a real index does, so the fake's cost follows the result too.
            keys = _keys.GetViewBetween(prefix, prefix + '\uffff').Take(1000).ToList();
        }

        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name>");
        xml.Append("<Prefix>").Append(WebUtility.HtmlEncode(prefix)).Append("</Prefix><KeyCount>").Append(keys.Count).Append("</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>");
        foreach (var key in keys)
        {
            xml.Append("<Contents><Key>").Append(WebUtility.HtmlEncode(key)).Append("</Key><Size>100</Size><StorageClass>STANDARD</StorageClass></Contents>");
        }

        return xml.Append("</ListBucketResult>").ToString();
    }
}
