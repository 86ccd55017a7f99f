using System.Collections;
using OrderMonitoring.Cmdlets.Orders;
using OrderMonitoring.Cmdlets.Shell;

namespace OrderMonitoring.Cmdlets.Tests.Orders;

/// <summary>Input a user can hand over by mistake: a hashtable that holds itself, a status with a typo.</summary>
[Collection(StatusVariableCollection.Name)]
public sealed class OrderInputEdgeTests
{
    [Fact]
    public void A_hashtable_that_holds_itself_is_refused_naming_the_depth_limit()
    {
        var attributes = new Hashtable { ["channel"] = "web" };
        attributes["self"] = attributes;

        var error = Assert.Throws<ArgumentException>(() => InputValues.ReadAttributes(attributes));

        Assert.Contains("nested more than 32 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_that_holds_itself_is_refused_too()
    {
        var list = new ArrayList { 1 };
        list.Add(list);

        Assert.Throws<ArgumentException>(() => InputValues.ReadAttributes(new Hashtable { ["items"] = list }));
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_read_whole()
    {
        var innermost = new Hashtable { ["leaf"] = "x" };
        var top = innermost;
        for (var level = 1; level < 32; level++)
        {
            top = new Hashtable { ["inner"] = top };
        }

        var read = InputValues.ReadAttributes(top);

        var depth = 1;
        for (var current = read; current.TryGetValue("inner", out var inner); current = (Dictionary<string, object?>)inner!)
        {
            depth++;
        }

        Assert.Equal(32, depth);
    }

    [Theory]
    [InlineData("FAILED")]
    [InlineData(" failed ")]
    [InlineData("Pending")]
    public void Known_statuses_in_any_case_are_not_warned_about(string status) =>
        Assert.Null(KnownOrderStatuses.WarningFor(status, "It is written as given"));

    [Fact]
    public void A_typo_is_warned_about_naming_the_known_statuses_and_how_to_declare_one()
    {
        var warning = KnownOrderStatuses.WarningFor("FIALED", "It is written as given");

        Assert.NotNull(warning);
        Assert.StartsWith("'FIALED' is not an order status the module knows (PENDING, PROCESSING, SHIPPED, DELIVERED, CANCELLED, FAILED)", warning, StringComparison.Ordinal);
        Assert.Contains("It is written as given.", warning, StringComparison.Ordinal);
        Assert.Contains(KnownOrderStatuses.DeclaredVariable, warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Statuses_the_user_declares_are_known()
    {
        var saved = Environment.GetEnvironmentVariable(KnownOrderStatuses.DeclaredVariable);
        try
        {
            Environment.SetEnvironmentVariable(KnownOrderStatuses.DeclaredVariable, " on_hold, RETURNED,,");

            Assert.Null(KnownOrderStatuses.WarningFor("ON_HOLD", "x"));
            Assert.Null(KnownOrderStatuses.WarningFor("returned", "x"));
            Assert.Equal(["PENDING", "PROCESSING", "SHIPPED", "DELIVERED", "CANCELLED", "FAILED", "ON_HOLD", "RETURNED"], KnownOrderStatuses.All());
        }
        finally
        {
            Environment.SetEnvironmentVariable(KnownOrderStatuses.DeclaredVariable, saved);
        }
    }
}

/// <summary>Tests that read or set ORDERMONITORING_STATUSES run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StatusVariableCollection
{
    public const string Name = "ORDERMONITORING_STATUSES";
}
