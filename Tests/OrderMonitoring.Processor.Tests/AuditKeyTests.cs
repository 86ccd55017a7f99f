using System.Text;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Processor.Tests;

public sealed class AuditKeyTests
{
    private const string Sequence = "400000000012345678901";

    public static TheoryData<string> HostileIds => new()
    {
        "a/b/c", "../../etc/passwd", "..", ".", "order with spaces", "tab\tnew\nline\u0000nul\u007f", "注文-ü-😀",
        "%2F", "~tilde", new string('x', 1000), new string('é', 1000), string.Concat(Enumerable.Repeat("../", 300)),
    };

    [Theory]
    [MemberData(nameof(HostileIds))]
    public void Order_id_becomes_exactly_one_safe_segment_within_the_key_limit(string orderId)
    {
        var key = AuditKey.ForRecord(orderId, Sequence);
        var segments = key.Split('/');
        Assert.Equal(3, segments.Length);
        Assert.Equal("orders", segments[0]);
        Assert.NotEqual(".", segments[1]);
        Assert.NotEqual("..", segments[1]);
        Assert.All(key, c => Assert.InRange(c, '!', '~'));
        Assert.True(Encoding.UTF8.GetByteCount(key) <= 1024, $"key is {Encoding.UTF8.GetByteCount(key)} bytes");
        Assert.StartsWith(AuditKey.OrderPrefix(orderId), key, StringComparison.Ordinal);
    }

    [Fact]
    public void Distinct_ids_give_distinct_segments_even_when_shortened()
    {
        var ids = new[]
        {
            "a/b", "a%2Fb", "a b", "a+b", ".", "..", "%2E", new string('x', 1000), new string('x', 999) + "y",
            new string('x', 1000) + "/", "~" + new string('x', 999), "ORD-1", "ord-1",
        };
        var segments = ids.Select(AuditKey.EncodeOrderId).ToList();
        Assert.Equal(ids.Length, segments.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Readable_ids_stay_readable_and_keys_are_deterministic()
    {
        Assert.Equal("orders/ORD-12_3.x/0000000000000000000400000000012345678901.json", AuditKey.ForRecord("ORD-12_3.x", Sequence));
        Assert.Equal(AuditKey.ForRecord("a/b", Sequence), AuditKey.ForRecord("a/b", Sequence));
        Assert.Equal("orders/a%2Fb%20%C3%A9/", AuditKey.OrderPrefix("a/b é"));
    }

    [Fact]
    public void Keys_sort_in_stream_order_byte_by_byte()
    {
        var sequences = new[] { "9", "10", "400000000000000000001", "400000000000000000002", "1000000000000000000000", "99999999999999999999999999999999999999" };
        var keys = sequences.Select(s => AuditKey.ForRecord("o", s)).ToList();
        var sorted = keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        Assert.Equal(keys, sorted);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12a")]
    [InlineData("-1")]
    [InlineData("12345678901234567890123456789012345678901")]
    public void Sequence_numbers_must_be_up_to_forty_digits(string sequence)
    {
        Assert.False(AuditKey.IsValidSequenceNumber(sequence));
        Assert.Throws<ArgumentException>(() => AuditKey.ForRecord("o", sequence));
    }

    [Fact]
    public void Quarantine_keys_are_deterministic_with_or_without_a_sequence_number()
    {
        Assert.Equal("quarantine/0000000000000000000400000000012345678901.json", AuditKey.ForQuarantine(Sequence, "{}"));
        var unsequenced = AuditKey.ForQuarantine(null, """{"a":1}""");
        Assert.StartsWith("quarantine/unsequenced/", unsequenced, StringComparison.Ordinal);
        Assert.Equal(unsequenced, AuditKey.ForQuarantine(null, """{"a":1}"""));
        Assert.NotEqual(unsequenced, AuditKey.ForQuarantine(null, """{"a":2}"""));
    }

    [Fact]
    public void Reconciliation_keys_are_deterministic_and_sort_right_after_the_stream_record_they_follow()
    {
        var reconciled = AuditKey.ForReconciliation("o", "10", "1700000000000", "MODIFY", """{"status":"SHIPPED"}""");

        Assert.Equal(reconciled, AuditKey.ForReconciliation("o", "10", "1700000000000", "MODIFY", """{"status":"SHIPPED"}"""));
        Assert.NotEqual(reconciled, AuditKey.ForReconciliation("o", "10", "1700000000000", "MODIFY", """{"status":"FAILED"}"""));
        Assert.NotEqual(reconciled, AuditKey.ForReconciliation("o", "10", "1700000000001", "MODIFY", """{"status":"SHIPPED"}"""));
        var ordered = new[] { AuditKey.ForRecord("o", "10"), reconciled, AuditKey.ForRecord("o", "11") };
        Assert.Equal(ordered, ordered.OrderBy(k => k, StringComparer.Ordinal));
        Assert.StartsWith(AuditKey.OrderPrefix("o"), reconciled, StringComparison.Ordinal);
        Assert.True(AuditKey.IsReconciliationKey(reconciled));
        Assert.False(AuditKey.IsReconciliationKey(AuditKey.ForRecord("o", "10")));
    }

    [Fact]
    public void A_reconciliation_record_of_an_order_without_stream_records_sorts_first()
    {
        var reconciled = AuditKey.ForReconciliation("o", null, "1", "INSERT", "{}");

        Assert.True(string.CompareOrdinal(reconciled, AuditKey.ForRecord("o", "1")) < 0);
        Assert.Equal(new string('0', 40), AuditKey.SequenceOf(reconciled));
    }

    [Fact]
    public void The_sequence_a_key_is_ordered_by_is_read_back_from_stream_and_reconciliation_keys()
    {
        Assert.Equal("400000000000000000001".PadLeft(40, '0'), AuditKey.SequenceOf(AuditKey.ForRecord("o/x", "400000000000000000001")));
        Assert.Equal("10".PadLeft(40, '0'), AuditKey.SequenceOf(AuditKey.ForReconciliation("o", "10", "1", "REMOVE", null)));
        Assert.Null(AuditKey.SequenceOf("orders/o/notes.json"));
    }
}
