using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using OrderMonitoring.Cmdlets.Commands;

namespace OrderMonitoring.Cmdlets.Tests.Orders;

/// <summary>
/// Send-TestOrderEvent refuses bad values before any AWS call: the endpoint given is a closed port on loopback, and an
/// event that got as far as the stack lookup would fail with a connection error instead of the validation error asserted.
/// </summary>
public sealed class SendTestOrderEventValidationTests
{
    [Theory]
    [InlineData(" ")]
    [InlineData("\t ")]
    public void Refuses_a_blank_status_naming_the_order(string status)
    {
        var (output, errors) = Run(shell => shell.AddParameter("OrderId", "O1").AddParameter("Status", status));

        Assert.Empty(output);
        var error = Assert.Single(errors);
        Assert.Equal("StatusMissing,OrderMonitoring.Cmdlets.Commands.SendTestOrderEventCommand", error.FullyQualifiedErrorId);
        Assert.StartsWith("Order 'O1' has no Status", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_timestamp_past_the_year_9999()
    {
        var error = BindingError("Timestamp", shell => shell.AddParameter("OrderId", "O1").AddParameter("Timestamp", 253_402_300_800_000L));

        // The range's own message: the last instant a DateTimeOffset can hold is the maximum.
        Assert.Contains("253402300799999", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("amount")]
    [InlineData("customerId")]
    [InlineData("Status")]
    public void Refuses_an_attribute_that_collides_with_the_items_own(string name)
    {
        var (output, errors) = Run(shell => shell.AddParameter("OrderId", "O1").AddParameter("Attribute", new Hashtable { [name] = "x" }));

        Assert.Empty(output);
        var error = Assert.Single(errors);
        Assert.StartsWith("AttributeInvalid,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains($"'{name}'", error.Exception.Message);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Refuses_a_number_DynamoDB_cannot_store_naming_the_attribute(double value)
    {
        var (output, errors) = Run(shell => shell.AddParameter("OrderId", "O1").AddParameter("Attribute", new Hashtable { ["score"] = value }));

        Assert.Empty(output);
        var error = Assert.Single(errors);
        Assert.StartsWith("AttributeInvalid,", error.FullyQualifiedErrorId);
        Assert.Contains("'score'", error.Exception.Message);
        Assert.Contains("finite", error.Exception.Message);
    }

    /// <summary>The validation error of <paramref name="parameter"/> (another parameter's error, or any other failure, fails the test).</summary>
    private static ParameterBindingException BindingError(string parameter, Action<PowerShell> parameters)
    {
        using var shell = CreateShell();
        parameters(shell);
        var error = Assert.IsAssignableFrom<ParameterBindingException>(Record.Exception(() => shell.Invoke()));
        Assert.Equal("ParameterArgumentValidationError", error.ErrorId);
        Assert.Equal(parameter, error.ParameterName);
        return error;
    }

    private static (IReadOnlyList<PSObject> Output, IReadOnlyList<ErrorRecord> Errors) Run(Action<PowerShell> parameters)
    {
        using var shell = CreateShell();
        parameters(shell);
        var output = shell.Invoke();
        return (output, shell.Streams.Error.ToList());
    }

    private static PowerShell CreateShell()
    {
        var state = InitialSessionState.CreateDefault2();
        state.Commands.Add(new SessionStateCmdletEntry("Send-TestOrderEvent", typeof(SendTestOrderEventCommand), null));
        var shell = PowerShell.Create(state);
        shell.AddCommand("Send-TestOrderEvent").AddParameter("Environment", "dev").AddParameter("Region", "us-east-1")
            .AddParameter("AccessKey", "test").AddParameter("SecretKey", "test").AddParameter("EndpointUrl", "http://127.0.0.1:9");
        return shell;
    }
}
