using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrderMonitoring.Benchmarks;

/// <summary>The fake endpoint's answers for the reconciliation and verification suites: versions (one per key, paged) and folder listings.</summary>
internal static class FakeListings
{
    private const int PageSize = 1000;

    /// <summary>One page of versions (one per key) after <paramref name="keyMarker"/>, as S3 pages them: truncated pages name the last key and version listed.</summary>
    public static string Versions(SortedSet<string> keys, string prefix, string? keyMarker)
    {
        var from = keyMarker is not null && string.CompareOrdinal(keyMarker, prefix) >= 0 ? keyMarker + '\u0000' : prefix;
        var page = string.CompareOrdinal(from, prefix + '\uffff') > 0 ? new List<string>() : keys.GetViewBetween(from, prefix + '\uffff').Take(PageSize + 1).ToList();
        var truncated = page.Count > PageSize;
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListVersionsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name>");
        xml.Append("<Prefix>").Append(WebUtility.HtmlEncode(prefix)).Append("</Prefix><MaxKeys>1000</MaxKeys><IsTruncated>").Append(truncated ? "true" : "false").Append("</IsTruncated>");
        if (truncated)
        {
            page.RemoveAt(PageSize);
            xml.Append("<NextKeyMarker>").Append(WebUtility.HtmlEncode(page[PageSize - 1])).Append("</NextKeyMarker><NextVersionIdMarker>v1</NextVersionIdMarker>");
        }

        foreach (var key in page)
        {
            xml.Append("<Version><Key>").Append(WebUtility.HtmlEncode(key)).Append("</Key><VersionId>v1</VersionId><IsLatest>true</IsLatest>")
                .Append("<LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>\"e\"</ETag><Size>100</Size><StorageClass>STANDARD</StorageClass></Version>");
        }

        return xml.Append("</ListVersionsResult>").ToString();
    }

    public static string Folders(SortedSet<string> keys, string prefix, string? after)
    {
        var folders = new List<string>();
        string? last = null;
        foreach (var key in keys.GetViewBetween(after is null ? prefix : after + '\uffff', prefix + '\uffff'))
        {
            var slash = key.IndexOf('/', prefix.Length);
            var folder = slash < 0 ? key : key.Substring(0, slash + 1);
            if (folder != last)
            {
                if (folders.Count == PageSize)
                {
                    break;
                }

                folders.Add(folder);
                last = folder;
            }
        }

        var truncated = folders.Count == PageSize;
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name>");
        xml.Append("<Prefix>").Append(WebUtility.HtmlEncode(prefix)).Append("</Prefix><Delimiter>/</Delimiter><KeyCount>").Append(folders.Count)
            .Append("</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>").Append(truncated ? "true" : "false").Append("</IsTruncated>");
        if (truncated)
        {
            xml.Append("<NextContinuationToken>").Append(WebUtility.HtmlEncode(last!)).Append("</NextContinuationToken>");
        }

        foreach (var folder in folders)
        {
            xml.Append("<CommonPrefixes><Prefix>").Append(WebUtility.HtmlEncode(folder)).Append("</Prefix></CommonPrefixes>");
        }

        return xml.Append("</ListBucketResult>").ToString();
    }
}

/// <summary>A table for Scan: items of one order together, segments by a hash of the order id, pages of up to 300 items.</summary>
internal sealed class FakeScanTable
{
    private const int PageSize = 300;
    private readonly List<(string OrderId, string Timestamp, string Json)> _items = new();

    // The items of each segment and each item's place in it, per TotalSegments, built on the first Scan: a real table
    // finds a segment's next page from an index, so the fake's CPU (shared with the code measured) must not grow with
    // the whole table on every page.
    private readonly Dictionary<int, Segments> _segments = new();

    public void Add(string orderId, string timestamp, string typedJson)
    {
        lock (_segments)
        {
            _items.Add((orderId, timestamp, typedJson));
            _segments.Clear();
        }
    }

    public string Scan(string requestJson)
    {
        using var request = JsonDocument.Parse(requestJson);
        var root = request.RootElement;
        var segment = root.TryGetProperty("Segment", out var s) ? s.GetInt32() : 0;
        var total = root.TryGetProperty("TotalSegments", out var t) ? t.GetInt32() : 1;
        var segments = SegmentsOf(total);
        var inSegment = segments.Items[segment];
        var start = 0;
        if (root.TryGetProperty("ExclusiveStartKey", out var startKey))
        {
            var (id, timestamp) = (startKey.GetProperty("orderId").GetProperty("S").GetString()!, startKey.GetProperty("timestamp").GetProperty("N").GetString()!);
            start = segments.Place.TryGetValue((id, timestamp), out var place) ? place + 1 : 0;
        }

        var page = inSegment.Skip(start).Take(PageSize).ToList();
        var body = new StringBuilder("{\"Items\":[").Append(string.Join(",", page.Select(i => i.Json))).Append("],\"Count\":").Append(page.Count);
        if (start + page.Count < inSegment.Count)
        {
            var lastItem = page[page.Count - 1];
            var key = new JsonObject { ["orderId"] = new JsonObject { ["S"] = lastItem.OrderId }, ["timestamp"] = new JsonObject { ["N"] = lastItem.Timestamp } };
            body.Append(",\"LastEvaluatedKey\":").Append(key.ToJsonString());
        }

        return body.Append('}').ToString();
    }

    private Segments SegmentsOf(int total)
    {
        lock (_segments)
        {
            if (!_segments.TryGetValue(total, out var segments))
            {
                var items = Enumerable.Range(0, total).Select(_ => new List<(string OrderId, string Timestamp, string Json)>()).ToList();
                var place = new Dictionary<(string, string), int>();
                foreach (var item in _items)
                {
                    var inSegment = items[(int)((uint)StableHash(item.OrderId) % (uint)total)];
                    place[(item.OrderId, item.Timestamp)] = inSegment.Count;
                    inSegment.Add(item);
                }

                segments = new Segments(items, place);
                _segments[total] = segments;
            }

            return segments;
        }
    }

    private static int StableHash(string text) => text.Aggregate(17, (hash, c) => unchecked(hash * 31 + c));

    private sealed record Segments(List<List<(string OrderId, string Timestamp, string Json)>> Items, Dictionary<(string, string), int> Place);
}
