using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Cmdlets.AuditLog;
using OrderMonitoring.Cmdlets.Tests.Foundation;
using OrderMonitoring.Cmdlets.Tests.Orders;

namespace OrderMonitoring.Cmdlets.Tests.AuditLog;

/// <summary>An audit object moved to GLACIER/DEEP_ARCHIVE by a lifecycle rule cannot be read until restored: it never fails the rest.</summary>
public sealed class ArchivedAuditObjectTests
{
    private const string Bucket = "order-audit-logs-dev-123456789012-us-east-1";
    private readonly FakeAuditStore _store = new();
    private readonly RecordingReporter _reporter = new();

    public ArchivedAuditObjectTests()
    {
        foreach (var (sequence, status) in new[] { ("100", "PENDING"), ("200", "SHIPPED"), ("300", "FAILED") })
        {
            _store.Objects[AuditKey.ForRecord("A", sequence)] =
                $$"""{"schemaVersion":1,"orderId":"A","timestamp":1767225600000,"status":"{{status}}","previousStatus":null,"eventType":"MODIFY","eventId":"e{{sequence}}","sequenceNumber":"{{sequence}}","approximateCreationTime":"2026-01-01T00:00:00.000Z","processedAt":"2026-01-01T00:00:01.000Z","environment":"dev","deletedBy":null,"newImage":{"orderId":"A"},"oldImage":null}""";
        }

        _store.Archived.Add(AuditKey.ForRecord("A", "200"));
    }

    [Fact]
    public async Task An_archived_object_is_output_as_archived_with_how_to_restore_it_and_the_rest_are_read()
    {
        var entries = await new OrderHistory(new AuditLogReader(_store, new FakeOrderTable())).ReadAsync(Bucket, "A", parse: true, includeQuarantined: false,
            CancellationToken.None, _reporter);

        Assert.Equal(new[] { "PENDING:False", ":True", "FAILED:False" }, entries.Select(entry => $"{entry.Record!.Status}:{entry.Record.Archived}"));
        var archived = entries[1].Record!;
        Assert.Equal(("A", Bucket, AuditKey.ForRecord("A", "200")), (archived.OrderId, archived.BucketName, archived.Key));
        Assert.Contains($"aws s3api restore-object --bucket {Bucket} --key {AuditKey.ForRecord("A", "200")}", archived.RestoreHint, StringComparison.Ordinal);
        var warning = Assert.Single(_reporter.Warnings);
        Assert.Contains("Restore-S3Object", warning, StringComparison.Ordinal);
        Assert.Contains(AuditKey.ForRecord("A", "200"), warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Raw_output_leaves_the_archived_object_out_and_warns_about_it()
    {
        var entries = await new OrderHistory(new AuditLogReader(_store, new FakeOrderTable())).ReadAsync(Bucket, "A", parse: false, includeQuarantined: false,
            CancellationToken.None, _reporter);

        Assert.Equal(2, entries.Count);
        Assert.All(entries, entry => Assert.StartsWith("{", entry.Json, StringComparison.Ordinal));
        Assert.Contains("aws s3api restore-object", Assert.Single(_reporter.Warnings), StringComparison.Ordinal);
    }
}
