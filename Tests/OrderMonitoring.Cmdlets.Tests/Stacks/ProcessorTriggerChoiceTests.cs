using System.Management.Automation;
using System.Reflection;
using OrderMonitoring.Cmdlets.Commands;
using OrderMonitoring.Processor.Template;

namespace OrderMonitoring.Cmdlets.Tests.Stacks;

/// <summary>-ProcessorTrigger offers exactly the template's allowed values (TemplateContractTests ties those to the template).</summary>
public sealed class ProcessorTriggerChoiceTests
{
    [Fact]
    public void New_OrderMonitoringStack_offers_the_templates_processor_triggers_and_no_default_of_its_own()
    {
        var parameter = typeof(NewOrderMonitoringStackCommand).GetProperty(nameof(NewOrderMonitoringStackCommand.ProcessorTrigger))!;
        var choices = parameter.GetCustomAttribute<ValidateSetAttribute>()!.ValidValues;

        Assert.Equal(new[] { TemplateContract.ProcessorTriggers.External, TemplateContract.ProcessorTriggers.Lambda }, choices.Order(StringComparer.Ordinal));
        // Omitted means "the stack's current value" on an update and the template's default on a create (StackParameters).
        Assert.Null(new NewOrderMonitoringStackCommand().ProcessorTrigger);
    }
}
