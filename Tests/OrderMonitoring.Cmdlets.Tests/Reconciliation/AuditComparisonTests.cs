using System.Text.Json.Nodes;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Cmdlets.Reconciliation;

namespace OrderMonitoring.Cmdlets.Tests.Reconciliation;

/// <summary>The reconciliation rules, one order at a time, with a versioned bucket and a table in memory.</summary>
public sealed class AuditComparisonTests
{
    private readonly FakeVersionStore _store = new();
    private readonly FakeItemSource _table = new();

    private AuditLogChecker Checker() => new(_table, _store, new CheckOptions(), TimeProvider.System);

    private async Task<OrderCheck> CheckAsync(string orderId, CheckScope? scope = null) =>
        await Checker().CheckOrderAsync(new CheckRequest("orders", "b", new[] { orderId }, scope ?? new CheckScope()), orderId, default);

    private TableItem InTable(TableItem item)
    {
        _table.Items.RemoveAll(i => i.OrderId == item.OrderId && i.Timestamp == item.Timestamp);
        _table.Items.Add(item);
        return item;
    }

    [Fact]
    public async Task An_order_audited_insert_by_modify_is_complete()
    {
        var inserted = Orders.Item("A", "1700000000000", "PENDING");
        var shipped = InTable(Orders.Item("A", "1700000000000", "SHIPPED"));
        _store.Audited(inserted, "INSERT", "100");
        _store.Audited(shipped, "MODIFY", "200", old: inserted);

        var check = await CheckAsync("A");

        Assert.Empty(check.Findings);
        Assert.Equal((1, 2), (check.Items, check.AuditObjects));
    }

    [Fact]
    public async Task An_item_without_any_audit_record_is_MissingAudit()
    {
        InTable(Orders.Item("A", "1", "PENDING"));

        var finding = Assert.Single((await CheckAsync("A")).Findings);

        Assert.Equal((AuditFindingKind.MissingAudit, "A", "1", (string?)null), (finding.Kind, finding.OrderId, finding.Timestamp, finding.Key));
    }

    [Fact]
    public async Task A_change_that_was_never_audited_is_StaleAudit_naming_the_attribute()
    {
        var pending = Orders.Item("A", "1", "PENDING");
        _store.Audited(pending, "INSERT", "100");
        InTable(Orders.Item("A", "1", "FAILED"));

        var finding = Assert.Single((await CheckAsync("A")).Findings);

        Assert.Equal(AuditFindingKind.StaleAudit, finding.Kind);
        Assert.Contains("status", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_item_deleted_without_an_audited_remove_is_MissingRemove_and_with_one_is_fine()
    {
        var gone = Orders.Item("A", "1", "PENDING");
        var removed = Orders.Item("A", "2", "SHIPPED");
        _store.Audited(gone, "INSERT", "100");
        _store.Audited(removed, "INSERT", "101");
        _store.Audited(removed, "REMOVE", "102");

        var finding = Assert.Single((await CheckAsync("A")).Findings);

        Assert.Equal((AuditFindingKind.MissingRemove, "1"), (finding.Kind, finding.Timestamp));
    }

    [Fact]
    public async Task An_item_deleted_and_created_again_is_checked_against_its_newest_record()
    {
        var first = Orders.Item("A", "1", "PENDING");
        var again = Orders.Item("A", "1", "NEW");
        _store.Audited(first, "INSERT", "100");
        _store.Audited(first, "REMOVE", "101");
        _store.Audited(again, "INSERT", "102");
        InTable(again);
        Assert.Empty((await CheckAsync("A")).Findings);

        // Created again after the audited REMOVE, but that INSERT was lost.
        var lost = new AuditComparisonTests();
        lost._store.Audited(first, "INSERT", "100");
        lost._store.Audited(first, "REMOVE", "101");
        lost.InTable(again);
        var finding = Assert.Single((await lost.CheckAsync("A")).Findings);
        Assert.Equal(AuditFindingKind.StaleAudit, finding.Kind);
        Assert.Contains("REMOVE", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delete_marker_is_DeletedAudit_and_the_item_counts_as_audited_by_the_surviving_version()
    {
        var item = InTable(Orders.Item("A", "1", "PENDING"));
        var key = _store.Audited(item, "INSERT", "100");
        _store.Delete(key);

        var finding = Assert.Single((await CheckAsync("A")).Findings);

        Assert.Equal((AuditFindingKind.DeletedAudit, key, "1"), (finding.Kind, finding.Key, finding.Timestamp));
        Assert.Single(finding.DeleteMarkers);
    }

    [Fact]
    public async Task An_overwrite_with_other_facts_is_TamperedAudit_only_and_the_first_version_counts()
    {
        var item = InTable(Orders.Item("A", "1", "PENDING"));
        var key = _store.Audited(item, "INSERT", "100");
        _store.Put(key, _store.Current(key)!.Replace("\"status\":\"PENDING\"", "\"status\":\"SHIPPED\"", StringComparison.Ordinal));

        var finding = Assert.Single((await CheckAsync("A")).Findings);

        Assert.Equal((AuditFindingKind.TamperedAudit, key), (finding.Kind, finding.Key));
        Assert.Contains("PENDING", finding.Detail, StringComparison.Ordinal);
        Assert.NotNull(finding.FirstVersionId);
    }

    [Fact]
    public async Task A_retry_that_rewrites_a_key_with_a_new_processing_time_is_not_tampering()
    {
        var item = InTable(Orders.Item("A", "1", "PENDING"));
        var (key, json) = Orders.Audit(item, "INSERT", "100");
        _store.Put(key, json);
        _store.Put(key, Orders.Audit(item, "INSERT", "100", processedAt: Orders.Processed.AddMinutes(3)).Json);

        Assert.Empty((await CheckAsync("A")).Findings);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"orderId":"A"}""")]
    [InlineData("""{"orderId":"B","timestamp":1,"eventType":"INSERT"}""")]
    public async Task An_object_that_is_not_an_audit_document_of_the_order_is_UnreadableAudit(string text)
    {
        var item = InTable(Orders.Item("A", "1", "PENDING"));
        _store.Audited(item, "INSERT", "100");
        _store.Put(AuditKey.ForRecord("A", "999"), text);

        var finding = Assert.Single((await CheckAsync("A")).Findings);

        Assert.Equal((AuditFindingKind.UnreadableAudit, AuditKey.ForRecord("A", "999")), (finding.Kind, finding.Key));
    }

    [Fact]
    public async Task Changes_still_in_the_stream_are_not_findings_when_pending_records_are_forgiven()
    {
        var inserted = Orders.Item("A", "1", "PENDING");
        _store.Audited(inserted, "INSERT", "100");
        InTable(Orders.Item("A", "1", "FAILED"));
        InTable(Orders.Item("A", "2", "NEW"));
        var pending = new PendingChanges();
        pending.Add("A", "1", "100"); // processed already: explains nothing
        pending.Add("A", "1", "101");
        pending.Add("A", "2", "102");

        var strict = await CheckAsync("A");
        var forgiving = await CheckAsync("A", new CheckScope(Pending: pending));

        Assert.Equal(2, strict.Findings.Count);
        Assert.Empty(forgiving.Findings);
        Assert.Equal(2, forgiving.PendingIgnored);
    }

    [Fact]
    public async Task A_pending_record_that_is_already_audited_does_not_hide_a_finding()
    {
        _store.Audited(Orders.Item("A", "1", "PENDING"), "INSERT", "100");
        InTable(Orders.Item("A", "1", "FAILED"));
        var pending = new PendingChanges();
        pending.Add("A", "1", "100");

        Assert.Single((await CheckAsync("A", new CheckScope(Pending: pending))).Findings);
    }

    [Fact]
    public async Task Numbers_with_many_digits_compare_by_value_with_every_digit()
    {
        var audited = Orders.Item("A", "123456789012345678901234567890", "PAID", new JsonObject
        {
            ["amount"] = new JsonObject { ["N"] = "12345678901234567890.123456789012345670" },
            ["tiny"] = new JsonObject { ["N"] = "1E-130" },
        });
        _store.Audited(audited, "INSERT", "100");
        // The same values written another way, then one that differs only in the 38th digit.
        InTable(Orders.Item("A", "123456789012345678901234567890", "PAID", new JsonObject
        {
            ["amount"] = new JsonObject { ["N"] = "12345678901234567890.12345678901234567" },
            ["tiny"] = new JsonObject { ["N"] = "0.1e-129" },
        }));
        Assert.Empty((await CheckAsync("A")).Findings);

        InTable(Orders.Item("A", "123456789012345678901234567890", "PAID", new JsonObject
        {
            ["amount"] = new JsonObject { ["N"] = "12345678901234567890.12345678901234568" },
            ["tiny"] = new JsonObject { ["N"] = "1E-130" },
        }));
        var finding = Assert.Single((await CheckAsync("A")).Findings);
        Assert.Contains("amount", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nested_maps_and_sets_match_in_any_set_order_and_differ_when_a_nested_value_does()
    {
        JsonObject Extra(string first, string second, string city) => new()
        {
            ["tags"] = new JsonObject { ["SS"] = new JsonArray(first, second) },
            ["sizes"] = new JsonObject { ["NS"] = new JsonArray("10", "2.50") },
            ["address"] = new JsonObject { ["M"] = new JsonObject
            {
                ["city"] = new JsonObject { ["S"] = city },
                ["lines"] = new JsonObject { ["L"] = new JsonArray(new JsonObject { ["S"] = "a" }, new JsonObject { ["BOOL"] = true }, new JsonObject { ["NULL"] = true }) },
            } },
        };
        _store.Audited(Orders.Item("A", "1", "PAID", Extra("red", "blue", "Oslo")), "INSERT", "100");

        InTable(Orders.Item("A", "1", "PAID", Extra("blue", "red", "Oslo")));
        Assert.Empty((await CheckAsync("A")).Findings);

        InTable(Orders.Item("A", "1", "PAID", Extra("blue", "red", "Bergen")));
        var finding = Assert.Single((await CheckAsync("A")).Findings);
        Assert.Contains("address.city", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_time_window_limits_the_items_compared()
    {
        InTable(Orders.Item("A", "1000", "PENDING"));
        InTable(Orders.Item("A", "5000", "PENDING"));

        var check = await CheckAsync("A", new CheckScope(Since: DateTimeOffset.FromUnixTimeMilliseconds(2000)));

        Assert.Equal("5000", Assert.Single(check.Findings).Timestamp);
        Assert.Equal(1, check.Items);
    }

    [Theory]
    [InlineData("1.50", "1.5")]
    [InlineData("0.00012", "1.2E-4")]
    [InlineData("-100", "-1e2")]
    [InlineData("0", "-0.000")]
    public void Numbers_of_equal_value_have_one_canonical_text(string left, string right) =>
        Assert.Equal(ImageComparer.CanonicalNumber(left), ImageComparer.CanonicalNumber(right));
}
