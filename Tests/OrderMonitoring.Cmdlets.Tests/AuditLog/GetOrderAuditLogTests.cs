using System.Management.Automation;
using System.Management.Automation.Runspaces;
using OrderMonitoring.Cmdlets.Commands;
using OrderMonitoring.Cmdlets.AuditLog;
using OrderMonitoring.Cmdlets.Tests.Orders;

namespace OrderMonitoring.Cmdlets.Tests.AuditLog;

public sealed class GetOrderAuditLogTimeRangeTests
{
    // No call is expected; one that got through would fail as unreachable (or wait on retries), not as TimeRangeInvalid.
    private const string NoServiceEndpoint = "http://127.0.0.1:9";

    [Fact]
    public void Only_a_future_Since_is_refused_with_the_cmdlets_own_error_before_any_call()
    {
        var error = Invoke(("Since", DateTime.UtcNow.AddDays(1)));

        Assert.StartsWith("TimeRangeInvalid", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("is after now", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Since_after_an_explicit_Until_is_refused_the_same_way()
    {
        var until = DateTime.UtcNow.AddDays(-3);
        var error = Invoke(("Since", until.AddMinutes(1)), ("Until", until));

        Assert.StartsWith("TimeRangeInvalid", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("-Until", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blank_status_is_refused_at_binding_before_any_call()
    {
        var state = InitialSessionState.CreateDefault2();
        state.Commands.Add(new SessionStateCmdletEntry("Get-OrderAuditLog", typeof(GetOrderAuditLogCommand), null));
        using var shell = PowerShell.Create(state);
        shell.AddCommand("Get-OrderAuditLog").AddParameter("Environment", "dev").AddParameter("Status", "  ")
            .AddParameter("Region", "us-east-1").AddParameter("AccessKey", "test").AddParameter("SecretKey", "test")
            .AddParameter("EndpointUrl", NoServiceEndpoint);

        var error = Assert.IsAssignableFrom<ParameterBindingException>(Record.Exception(() => shell.Invoke()));

        Assert.Contains("blank status", error.Message, StringComparison.Ordinal);
    }

    private static ErrorRecord Invoke(params (string Name, object Value)[] range)
    {
        var state = InitialSessionState.CreateDefault2();
        state.Commands.Add(new SessionStateCmdletEntry("Get-OrderAuditLog", typeof(GetOrderAuditLogCommand), null));
        using var shell = PowerShell.Create(state);
        shell.AddCommand("Get-OrderAuditLog").AddParameter("Environment", "dev").AddParameter("Status", "FAILED")
            .AddParameter("Region", "us-east-1").AddParameter("AccessKey", "test").AddParameter("SecretKey", "test")
            .AddParameter("EndpointUrl", NoServiceEndpoint);
        foreach (var (name, value) in range)
        {
            shell.AddParameter(name, value);
        }

        var thrown = Assert.Throws<CmdletInvocationException>(() => shell.Invoke());
        return ((IContainsErrorRecord)thrown).ErrorRecord;
    }
}

public sealed class QuarantineCacheTests
{
    private static string Quarantined(string? orderId, string reason)
    {
        var id = orderId is null ? "null" : $"\"{orderId}\"";
        return $$$"""{"schemaVersion":1,"reason":"{{{reason}}}","orderId":{{{id}}},"eventType":"INSERT","quarantinedAt":"2026-01-01T00:00:00.000Z","record":{}}""";
    }

    [Fact]
    public async Task Lists_and_reads_the_quarantine_area_once_for_every_order_of_an_invocation()
    {
        var store = new FakeAuditStore { PageSize = 2 };
        store.Objects["quarantine/0001.json"] = Quarantined("A", "no timestamp");
        store.Objects["quarantine/0002.json"] = Quarantined("B", "no status");
        store.Objects["quarantine/0003.json"] = Quarantined(null, "no order id");
        store.Objects["quarantine/0004.json"] = Quarantined("A", "bad image");
        var reader = new AuditLogReader(store, new FakeOrderTable());
        var cache = new QuarantineCache();

        var a = await cache.ForOrderAsync(reader, "b", "A", default);
        var b = await cache.ForOrderAsync(reader, "b", "B", default);
        var c = await cache.ForOrderAsync(reader, "b", "C", default);

        Assert.Equal(new[] { "no timestamp", "bad image" }, a.Select(e => e.Record!.QuarantineReason));
        Assert.Equal("no status", Assert.Single(b).Record!.QuarantineReason);
        Assert.Empty(c);
        Assert.Equal(2, store.ListCalls); // one paged listing (two pages of two keys), not one per order
        Assert.Equal(4, store.Reads.Count);
    }
}
