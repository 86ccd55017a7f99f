using System.Reflection;
using System.Text.Json.Nodes;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Observability;
using OrderMonitoring.Processor.Template;
using static OrderMonitoring.Template.Tests.OrderMonitoringTemplate;

namespace OrderMonitoring.Template.Tests;

/// <summary>
/// <see cref="TemplateContract"/> and templates/order-monitoring.json agree, in both directions: a name the C# reads
/// must be in the template, and an output, parameter, alarm or processor metric the template gains must get its constant.
/// </summary>
public sealed class TemplateContractTests
{
    private const string AlarmType = "AWS::CloudWatch::Alarm";

    private readonly OrderMonitoringTemplate _template = Load();

    [Fact]
    public void Every_output_has_its_constant_and_every_constant_its_output() =>
        AssertSameNames(Constants(typeof(TemplateContract.Outputs)), _template.Outputs.Select(o => o.Key), "output");

    [Fact]
    public void Each_output_filled_from_a_resource_is_a_Ref_to_that_resource()
    {
        foreach (var (output, resource) in TemplateContract.Outputs.ResourceBehind)
        {
            var value = _template.Outputs[output]?["Value"];
            // A kept bucket (AuditBucketSource=Existing) is no resource of the stack: its output names it instead.
            var refWhenCreated = value?["Fn::If"] is JsonArray { Count: 3 } choice && IsRef(choice[1], resource);
            Assert.True(IsRef(value, resource) || refWhenCreated, $"Output {output} is not {{\"Ref\": \"{resource}\"}}.");
        }
    }

    [Fact]
    public void Every_logical_id_constant_names_a_resource_of_the_template()
    {
        foreach (var logicalId in Constants(typeof(TemplateContract.Resources)))
        {
            Assert.True(_template.Resources.ContainsKey(logicalId), $"The template has no resource '{logicalId}'.");
        }
    }

    [Fact]
    public void Every_parameter_has_its_constant_and_the_environment_rule_is_the_templates()
    {
        var names = Constants(typeof(TemplateContract.Parameters)).Where(name => name != TemplateContract.Parameters.EnvironmentSuffixPattern);
        AssertSameNames(names, _template.Parameters.Select(p => p.Key), "parameter");

        var suffix = _template.Parameters[TemplateContract.Parameters.EnvironmentSuffix]!;
        Assert.Equal(TemplateContract.Parameters.EnvironmentSuffixPattern, (string?)suffix["AllowedPattern"]);
        Assert.Equal(TemplateContract.Parameters.EnvironmentSuffixMaxLength, (int?)suffix["MaxLength"]);
    }

    [Fact]
    public void The_environment_limit_is_what_the_failed_batches_bucket_name_leaves_in_the_longest_region()
    {
        // order-failed-batches-<environment>-<12-digit account>-<region> within S3's 63 characters; the longest region
        // names (ap-southeast-5, ap-northeast-3, ...) have 14 characters.
        const int LongestRegionName = 14;
        var room = 63 - TemplateContract.FailedBatchesBucket.NamePrefix.Length - 1 - 12 - 1 - LongestRegionName;
        Assert.Equal(TemplateContract.Parameters.EnvironmentSuffixMaxLength, room);
        Assert.True(TemplateContract.FailedBatchesBucket.NamePrefix.Length >= TemplateContract.AuditBucket.NamePrefix.Length);
    }

    [Fact]
    public void The_processor_triggers_are_the_parameters_allowed_values_with_Lambda_the_default()
    {
        var trigger = _template.Parameters[TemplateContract.Parameters.ProcessorTrigger]!;
        AssertSameNames(Constants(typeof(TemplateContract.ProcessorTriggers)), trigger["AllowedValues"]!.AsArray().Select(v => (string)v!), "ProcessorTrigger value");
        Assert.Equal(TemplateContract.ProcessorTriggers.Lambda, (string?)trigger["Default"]);
    }

    [Fact]
    public void The_architectures_are_the_parameters_allowed_values_with_arm64_the_default_and_the_function_uses_it()
    {
        var architecture = _template.Parameters[TemplateContract.Parameters.ProcessorArchitecture]!;
        Assert.Equal(TemplateContract.Architectures.All, architecture["AllowedValues"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(TemplateContract.Architectures.Arm64, (string?)architecture["Default"]);
        var function = _template.Resources[TemplateContract.Resources.Function]!["Properties"]!;
        Assert.True(IsRef(Assert.Single(function["Architectures"]!.AsArray()), TemplateContract.Parameters.ProcessorArchitecture));
    }

    [Fact]
    public void The_event_source_mapping_takes_its_batching_and_parallelisation_from_parameters_with_the_contracts_defaults()
    {
        var mapping = _template.Resources.Single(r => (string?)r.Value!["Type"] == "AWS::Lambda::EventSourceMapping").Value!["Properties"]!;
        foreach (var (property, parameter, fallback) in new[]
        {
            ("BatchSize", TemplateContract.Parameters.StreamBatchSize, TemplateContract.StreamMapping.BatchSize),
            ("MaximumBatchingWindowInSeconds", TemplateContract.Parameters.StreamMaximumBatchingWindowInSeconds, TemplateContract.StreamMapping.MaximumBatchingWindowInSeconds),
            ("ParallelizationFactor", TemplateContract.Parameters.StreamParallelizationFactor, TemplateContract.StreamMapping.ParallelizationFactor),
        })
        {
            Assert.True(IsRef(mapping[property], parameter), $"The mapping's {property} is not {{\"Ref\": \"{parameter}\"}}.");
            Assert.Equal(fallback, (int?)_template.Parameters[parameter]!["Default"]);
        }
    }

    [Fact]
    public void Each_retained_bucket_has_a_source_parameter_with_the_bucket_sources_New_by_default()
    {
        foreach (var name in new[] { TemplateContract.Parameters.AuditBucketSource, TemplateContract.Parameters.FailedBatchesBucketSource })
        {
            var source = _template.Parameters[name]!;
            AssertSameNames(Constants(typeof(TemplateContract.BucketSources)), source["AllowedValues"]!.AsArray().Select(v => (string)v!), name + " value");
            Assert.Equal(TemplateContract.BucketSources.New, (string?)source["Default"]);
        }
    }

    [Fact]
    public void The_object_lock_modes_are_the_parameters_allowed_values_with_None_and_365_days_the_defaults()
    {
        var mode = _template.Parameters[TemplateContract.Parameters.AuditObjectLockMode]!;
        AssertSameNames(Constants(typeof(TemplateContract.ObjectLockModes)), mode["AllowedValues"]!.AsArray().Select(v => (string)v!), "AuditObjectLockMode value");
        Assert.Equal(TemplateContract.ObjectLockModes.None, (string?)mode["Default"]);
        Assert.Equal(TemplateContract.ObjectLockModes.DefaultDays, (int?)_template.Parameters[TemplateContract.Parameters.AuditObjectLockDays]!["Default"]);
    }

    [Fact]
    public void The_alert_details_are_the_parameters_allowed_values_and_the_processors_enum_with_Summary_the_default()
    {
        var detail = _template.Parameters[TemplateContract.Parameters.AlertDetail]!;
        var allowed = detail["AllowedValues"]!.AsArray().Select(v => (string)v!).ToList();
        AssertSameNames(Constants(typeof(TemplateContract.AlertDetails)), allowed, "AlertDetail value");
        AssertSameNames(Enum.GetNames<Processor.Alerts.AlertDetail>(), allowed, "AlertDetail enum name");
        Assert.Equal(TemplateContract.AlertDetails.Summary, (string?)detail["Default"]);
    }

    [Fact]
    public void The_failed_batches_bucket_name_is_the_prefix_then_environment_account_and_region() =>
        Assert.Equal(TemplateContract.FailedBatchesBucket.NamePrefix + "${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}",
            SubText(_template.Properties(TemplateContract.Resources.FailedBatchesBucket)["BucketName"]));

    [Fact]
    public void The_table_has_the_key_and_the_status_index_the_module_queries()
    {
        var table = _template.Properties(TemplateContract.Resources.Table);
        Assert.Equal([(TemplateContract.Table.OrderIdAttribute, "HASH"), (TemplateContract.Table.TimestampAttribute, "RANGE")], KeySchema(table));

        var index = Assert.Single(table["GlobalSecondaryIndexes"]!.AsArray(), i => (string?)i!["IndexName"] == TemplateContract.Table.StatusIndexName)!;
        Assert.Equal([(TemplateContract.Table.StatusAttribute, "HASH"), (TemplateContract.Table.TimestampAttribute, "RANGE")], KeySchema(index.AsObject()));
    }

    [Fact]
    public void The_audit_bucket_name_is_the_prefix_then_environment_account_and_region()
    {
        // EnvironmentName.DeployProblem sizes the longest environment from exactly this shape.
        var name = SubText(_template.Properties(TemplateContract.Resources.AuditBucket)["BucketName"]);
        Assert.Equal(TemplateContract.AuditBucket.NamePrefix + "${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}", name);
    }

    [Fact]
    public void The_function_gets_every_variable_the_processor_reads_and_no_other_of_ours()
    {
        var variables = _template.Properties(TemplateContract.Resources.Function)["Environment"]!["Variables"]!.AsObject();
        // AWS_* variables are read by the Lambda runtime, not by the processor.
        var ours = variables.Select(v => v.Key).Where(name => !name.StartsWith("AWS_", StringComparison.Ordinal));
        AssertSameNames(Constants(typeof(TemplateContract.FunctionVariables)), ours, "function variable");
    }

    [Fact]
    public void Every_alarm_has_its_contract_and_every_contract_its_alarm() =>
        AssertSameNames(TemplateContract.Alarms.All.Select(a => a.LogicalId), _template.ResourcesOfType(AlarmType).Select(r => r.Key), "alarm");

    [Fact]
    public void Each_alarm_is_named_and_fires_as_its_contract_says()
    {
        foreach (var alarm in TemplateContract.Alarms.All)
        {
            var properties = _template.Properties(alarm.LogicalId);
            Assert.StartsWith(TemplateContract.Alarms.NamePrefix, alarm.NamePrefix, StringComparison.Ordinal);
            // The health check finds the alarms of an environment by prefix and "-<environment>" at the end.
            Assert.Equal(alarm.NamePrefix + "${EnvironmentSuffix}", SubText(properties["AlarmName"]));
            Assert.Equal(alarm.Threshold, (double?)properties["Threshold"]);
            Assert.Equal("GreaterThanThreshold", (string?)properties["ComparisonOperator"]);
        }
    }

    [Fact]
    public void The_processor_metrics_the_template_reads_are_exactly_the_contracts()
    {
        var read = MetricsIn(TemplateContract.ProcessorMetrics.Namespace).ToList();

        AssertSameNames(TemplateContract.ProcessorMetrics.All, read.Select(m => m.Name).Distinct(), "processor metric");
        Assert.All(read, metric => Assert.Equal(TemplateContract.ProcessorMetrics.EnvironmentDimension, metric.Dimension));
    }

    [Fact]
    public void Every_processor_metric_constant_is_listed_and_emitted()
    {
        var constants = Constants(typeof(TemplateContract.ProcessorMetrics))
            .Except([TemplateContract.ProcessorMetrics.Namespace, TemplateContract.ProcessorMetrics.EnvironmentDimension]);
        AssertSameNames(constants, TemplateContract.ProcessorMetrics.All, "processor metric constant listed in All");

        var line = JsonNode.Parse(EmfMetrics.Format("dev", new BatchResult(), processingLagMs: 1, DateTimeOffset.UnixEpoch))!;
        var declared = line["_aws"]!["CloudWatchMetrics"]![0]!;
        Assert.Equal(TemplateContract.ProcessorMetrics.Namespace, (string?)declared["Namespace"]);
        AssertSameNames(TemplateContract.ProcessorMetrics.All, declared["Metrics"]!.AsArray().Select(m => (string)m!["Name"]!), "emitted metric");
    }

    [Fact]
    public void Every_lambda_metric_the_health_check_reads_is_one_the_template_watches()
    {
        var watched = MetricsIn(TemplateContract.LambdaMetrics.Namespace).ToList();
        foreach (var name in new[] { TemplateContract.LambdaMetrics.Invocations, TemplateContract.LambdaMetrics.Errors, TemplateContract.LambdaMetrics.IteratorAge })
        {
            Assert.Contains(watched, metric => metric.Name == name && metric.Dimension == TemplateContract.LambdaMetrics.FunctionNameDimension);
        }
    }

    /// <summary>Every (metric, dimension) of a namespace in the alarms (plain and metric math) and the dashboard.</summary>
    private IEnumerable<(string Name, string? Dimension)> MetricsIn(string metricNamespace)
    {
        foreach (var (_, alarm) in _template.ResourcesOfType(AlarmType))
        {
            var properties = alarm["Properties"]!;
            if ((string?)properties["Namespace"] == metricNamespace)
            {
                yield return ((string)properties["MetricName"]!, (string?)properties["Dimensions"]?[0]?["Name"]);
            }

            foreach (var metric in properties["Metrics"]?.AsArray().Select(m => m!["MetricStat"]?["Metric"]).OfType<JsonNode>() ?? [])
            {
                if ((string?)metric["Namespace"] == metricNamespace)
                {
                    yield return ((string)metric["MetricName"]!, (string?)metric["Dimensions"]?[0]?["Name"]);
                }
            }
        }

        // Dashboard widgets list metrics as [namespace, name, dimension, value, {options}].
        var body = JsonNode.Parse(SubText(_template.Properties(TemplateContract.Resources.Dashboard)["DashboardBody"])!)!;
        foreach (var widget in body["widgets"]!.AsArray())
        {
            foreach (var row in widget!["properties"]?["metrics"]?.AsArray() ?? [])
            {
                if ((string?)row![0] == metricNamespace)
                {
                    yield return ((string)row[1]!, (string?)row[2]);
                }
            }
        }
    }

    private static List<(string, string)> KeySchema(JsonObject owner) =>
        owner["KeySchema"]!.AsArray().Select(k => ((string)k!["AttributeName"]!, (string)k["KeyType"]!)).ToList();

    /// <summary>The values of a contract class's string constants.</summary>
    private static IEnumerable<string> Constants(Type contract) =>
        contract.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral && field.FieldType == typeof(string))
            .Select(field => (string)field.GetRawConstantValue()!);

    private static void AssertSameNames(IEnumerable<string> contract, IEnumerable<string> template, string what)
    {
        var inContract = contract.ToHashSet(StringComparer.Ordinal);
        var inTemplate = template.ToHashSet(StringComparer.Ordinal);
        var onlyInTemplate = inTemplate.Except(inContract).Order(StringComparer.Ordinal).ToList();
        var onlyInContract = inContract.Except(inTemplate).Order(StringComparer.Ordinal).ToList();
        Assert.True(onlyInTemplate.Count == 0 && onlyInContract.Count == 0,
            $"Each {what} must be in both the template and TemplateContract. Only in the template: [{string.Join(", ", onlyInTemplate)}]; "
            + $"only in TemplateContract: [{string.Join(", ", onlyInContract)}].");
    }
}
