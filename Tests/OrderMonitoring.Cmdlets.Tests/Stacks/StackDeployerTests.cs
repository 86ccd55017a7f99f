using OrderMonitoring.TestSupport;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Cmdlets.Tests.Foundation;

namespace OrderMonitoring.Cmdlets.Tests.Stacks;

public sealed class StackDeployerTests : IDisposable
{
    private readonly FakeCloudFormation _cloudFormation = new();
    private readonly FakeArtifacts _artifacts = new();
    private readonly RecordingReporter _reporter = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("deployer-").FullName;
    private readonly SteppingTime _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_rollback_names_the_first_failed_resource_and_its_reason()
    {
        _cloudFormation.Statuses.Enqueue(null); // no stack yet
        _cloudFormation.AddEvent("e0", FakeCloudFormation.StackName, "REVIEW_IN_PROGRESS");
        _cloudFormation.Statuses.Enqueue("ROLLBACK_IN_PROGRESS");
        _cloudFormation.Statuses.Enqueue("ROLLBACK_COMPLETE");
        _cloudFormation.OnExecute = () =>
        {
            _cloudFormation.AddEvent("e1", "OrderEventsTable", "CREATE_FAILED", "Table already exists");
            _cloudFormation.AddEvent("e2", "AuditLogsBucket", "CREATE_FAILED", "Resource creation cancelled", "AWS::S3::Bucket");
        };

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() => Deployer().DeployAsync(Request(), _reporter, CancellationToken.None));

        Assert.Equal("StackDeploymentFailed", error.ErrorId);
        Assert.Contains("ROLLBACK_COMPLETE", error.Message, StringComparison.Ordinal);
        Assert.Contains("OrderEventsTable (AWS::DynamoDB::Table) CREATE_FAILED: Table already exists", error.Message, StringComparison.Ordinal);
        Assert.Contains("-Force", error.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Motos_no_updates_validation_error_returns_the_current_stack()
    {
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        _cloudFormation.CreateChangeSetSaysNoUpdates = true;

        var deployed = await Deployer().DeployAsync(Request(), _reporter, CancellationToken.None);

        Assert.DoesNotContain("ExecuteChangeSet", _cloudFormation.Calls); // nothing changed
        Assert.Equal("CREATE_COMPLETE", deployed.Status);
        Assert.Equal("order-events-dev", deployed.TableName);
        Assert.DoesNotContain("ExecuteChangeSet", _cloudFormation.Calls);
    }

    [Fact]
    public async Task No_changes_despite_different_parameters_is_a_warning_naming_them()
    {
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        _cloudFormation.Parameters.Add(new OrderMonitoring.Aws.CloudFormation.Parameter { ParameterKey = "ProcessorTrigger", ParameterValue = "External" });
        _cloudFormation.Parameters.Add(new OrderMonitoring.Aws.CloudFormation.Parameter { ParameterKey = "EnvironmentSuffix", ParameterValue = "dev" });
        _cloudFormation.CreateChangeSetSaysNoUpdates = true;

        await Deployer().DeployAsync(Request(trigger: "Lambda"), _reporter, CancellationToken.None);

        Assert.DoesNotContain("ExecuteChangeSet", _cloudFormation.Calls); // nothing changed
        var warning = Assert.Single(_reporter.Verbose, line => line.StartsWith("WARNING:", StringComparison.Ordinal));
        Assert.Contains("ProcessorTrigger (External -> Lambda)", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("EnvironmentSuffix", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_change_set_without_changes_is_deleted_and_not_an_error()
    {
        _cloudFormation.Statuses.Enqueue("UPDATE_COMPLETE");
        _cloudFormation.ChangeSetStatus = "FAILED";
        _cloudFormation.ChangeSetReason = "The submitted information didn't contain changes. Submit different information to create a change set.";

        await Deployer().DeployAsync(Request(), _reporter, CancellationToken.None);

        Assert.DoesNotContain("ExecuteChangeSet", _cloudFormation.Calls); // nothing changed
        Assert.Contains("DeleteChangeSet", _cloudFormation.Calls);
        Assert.DoesNotContain("ExecuteChangeSet", _cloudFormation.Calls);
    }

    [Fact]
    public async Task A_deployment_that_does_not_finish_in_time_times_out()
    {
        _cloudFormation.Statuses.Enqueue(null);
        _cloudFormation.Statuses.Enqueue("CREATE_IN_PROGRESS"); // stays in progress forever

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(
            () => Deployer().DeployAsync(Request(timeout: TimeSpan.FromSeconds(10)), _reporter, CancellationToken.None));

        Assert.Equal("StackOperationTimedOut", error.ErrorId);
        Assert.Equal(FailureKind.Timeout, error.Kind);
    }

    [Fact]
    public async Task The_timeout_bounds_the_whole_deployment_not_each_step()
    {
        var start = _time.GetUtcNow();
        _cloudFormation.Statuses.Enqueue(null);
        _cloudFormation.Statuses.Enqueue("CREATE_IN_PROGRESS"); // stays in progress forever
        _cloudFormation.ChangeSetStatus = "CREATE_PENDING";
        var polls = 0;

        // The change set takes 6 of the 10 s (fake clock); following the execution gets the 4 s left, not 10 more.
        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() => Deployer(onPoll: () =>
        {
            if (++polls == 3)
            {
                _cloudFormation.ChangeSetStatus = "CREATE_COMPLETE";
            }
        }).DeployAsync(Request(timeout: TimeSpan.FromSeconds(10)), _reporter, CancellationToken.None));

        Assert.Equal("StackOperationTimedOut", error.ErrorId);
        Assert.InRange(_time.GetUtcNow() - start, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(12));
    }

    [Fact]
    public async Task Events_are_paged_back_to_the_boundary_and_reported_oldest_first()
    {
        _cloudFormation.EventPageSize = 2;
        _cloudFormation.Statuses.Enqueue("UPDATE_COMPLETE"); // the existing stack
        _cloudFormation.Statuses.Enqueue("UPDATE_COMPLETE"); // after execution
        _cloudFormation.AddEvent("old", FakeCloudFormation.StackName, "UPDATE_COMPLETE", "earlier deployment", "AWS::CloudFormation::Stack");
        _cloudFormation.OnExecute = () =>
        {
            _cloudFormation.AddEvent("n1", FakeCloudFormation.StackName, "UPDATE_IN_PROGRESS", "step1", "AWS::CloudFormation::Stack");
            _cloudFormation.AddEvent("n2", "OrderEventsTable", "UPDATE_IN_PROGRESS", "step2");
            _cloudFormation.AddEvent("n3", "OrderEventsTable", "UPDATE_COMPLETE", "step3");
            _cloudFormation.AddEvent("n4", "AuditLogsBucket", "UPDATE_COMPLETE", "step4", "AWS::S3::Bucket");
            _cloudFormation.AddEvent("n5", FakeCloudFormation.StackName, "UPDATE_COMPLETE", "step5", "AWS::CloudFormation::Stack");
        };

        await Deployer().DeployAsync(Request(), _reporter, CancellationToken.None);

        Assert.Contains("ExecuteChangeSet", _cloudFormation.Calls); // the change set was executed
        var steps = _reporter.Verbose.Where(line => line.Contains(": step", StringComparison.Ordinal)).Select(line => line.Substring(line.Length - 5)).ToList();
        Assert.Equal(new[] { "step1", "step2", "step3", "step4", "step5" }, steps);
        Assert.DoesNotContain(_reporter.Verbose, line => line.Contains("earlier deployment", StringComparison.Ordinal));
        Assert.Contains("DescribeStackEvents:4", _cloudFormation.Calls); // the third page was needed
        Assert.Contains(_reporter.Progress, progress => progress.Status.Contains("1 of 1 resources done", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_parameter_change_updates_the_existing_stack_through_an_UPDATE_change_set()
    {
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE"); // the existing stack, deployed with External
        _cloudFormation.Statuses.Enqueue("UPDATE_IN_PROGRESS");
        _cloudFormation.Statuses.Enqueue("UPDATE_COMPLETE");
        _cloudFormation.Changes.Clear();
        _cloudFormation.Changes.Add(new OrderMonitoring.Aws.CloudFormation.Change
        {
            ResourceChange = new OrderMonitoring.Aws.CloudFormation.ResourceChange
            {
                Action = "Add", LogicalResourceId = "LambdaEventSourceMapping", ResourceType = "AWS::Lambda::EventSourceMapping",
            },
        });
        _cloudFormation.AddEvent("old", FakeCloudFormation.StackName, "CREATE_COMPLETE", "created", "AWS::CloudFormation::Stack");
        _cloudFormation.OnExecute = () =>
        {
            _cloudFormation.AddEvent("u1", FakeCloudFormation.StackName, "UPDATE_IN_PROGRESS", "User Initiated", "AWS::CloudFormation::Stack");
            _cloudFormation.AddEvent("u2", "LambdaEventSourceMapping", "CREATE_IN_PROGRESS", null, "AWS::Lambda::EventSourceMapping");
            _cloudFormation.AddEvent("u3", "LambdaEventSourceMapping", "CREATE_COMPLETE", null, "AWS::Lambda::EventSourceMapping");
            _cloudFormation.AddEvent("u4", FakeCloudFormation.StackName, "UPDATE_COMPLETE", null, "AWS::CloudFormation::Stack");
        };

        var deployed = await Deployer().DeployAsync(Request(trigger: "Lambda"), _reporter, CancellationToken.None);

        Assert.Contains("ExecuteChangeSet", _cloudFormation.Calls); // the change set was executed
        Assert.Equal("UPDATE_COMPLETE", deployed.Status);
        Assert.Equal(new[] { "CreateChangeSet:UPDATE", "ExecuteChangeSet" }, _cloudFormation.Calls.Where(call => !call.StartsWith("Describe", StringComparison.Ordinal)
            && !call.StartsWith("List", StringComparison.Ordinal)));
        Assert.Equal("Lambda", _cloudFormation.LastChangeSet!.Parameters.Single(p => p.ParameterKey == "ProcessorTrigger").ParameterValue);
        Assert.Contains(_reporter.Verbose, line => line.Contains("LambdaEventSourceMapping", StringComparison.Ordinal) && line.Contains("CREATE_COMPLETE", StringComparison.Ordinal));
        Assert.DoesNotContain(_reporter.Verbose, line => line.Contains("created", StringComparison.Ordinal));
        Assert.Contains(_reporter.Progress, progress => progress.Status.Contains("1 of 1 resources done", StringComparison.Ordinal));
        Assert.True(_reporter.Progress[^1].Completed);
        // Both calls carry idempotency tokens, so the client's retry after a timeout repeats the same request.
        Assert.Equal(_cloudFormation.LastChangeSet.ChangeSetName, _cloudFormation.LastChangeSet.ClientToken);
        Assert.Equal(_cloudFormation.LastChangeSet.ChangeSetName, _cloudFormation.LastExecute!.ClientRequestToken);
    }

    [Fact]
    public async Task A_plan_whose_change_set_fails_deletes_the_change_set_and_the_empty_stack_it_parked()
    {
        _cloudFormation.Statuses.Enqueue(null); // a new environment
        _cloudFormation.ChangeSetStatus = "FAILED";
        _cloudFormation.ChangeSetReason = "Parameter validation failed";

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() => Deployer().PlanAsync(Request(), _reporter, CancellationToken.None));

        Assert.Equal("ChangeSetFailed", error.ErrorId);
        Assert.Equal(new[] { "CreateChangeSet:CREATE", "DeleteChangeSet", "DeleteStack" }, Mutations());
    }

    [Fact]
    public async Task A_plan_that_times_out_still_cleans_up()
    {
        _cloudFormation.Statuses.Enqueue(null);
        _cloudFormation.ChangeSetStatus = "CREATE_PENDING"; // never computed

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(
            () => Deployer().PlanAsync(Request(timeout: TimeSpan.FromSeconds(10)), _reporter, CancellationToken.None));

        Assert.Equal("ChangeSetTimedOut", error.ErrorId);
        Assert.Equal(new[] { "CreateChangeSet:CREATE", "DeleteChangeSet", "DeleteStack" }, Mutations());
    }

    [Fact]
    public async Task A_plan_keeps_an_empty_stack_that_was_already_under_review()
    {
        _cloudFormation.Statuses.Enqueue("REVIEW_IN_PROGRESS");

        var plan = await Deployer().PlanAsync(Request(), _reporter, CancellationToken.None);

        Assert.Equal("OrderEventsTable", Assert.Single(plan).LogicalResourceId);
        Assert.Equal(new[] { "CreateChangeSet:CREATE", "DeleteChangeSet" }, Mutations());
    }

    [Fact]
    public async Task A_forced_plan_over_a_rolled_back_stack_plans_its_removal_and_a_new_stack_under_a_name_of_its_own()
    {
        _cloudFormation.Statuses.Enqueue("ROLLBACK_COMPLETE");

        var plan = await Deployer().PlanAsync(Request(replaceFailedStack: true), _reporter, CancellationToken.None);

        Assert.Equal(("Remove", FakeCloudFormation.StackName, "AWS::CloudFormation::Stack"), (plan[0].Action, plan[0].LogicalResourceId, plan[0].ResourceType));
        Assert.Equal(("Add", "OrderEventsTable"), (plan[1].Action, plan[1].LogicalResourceId));
        Assert.All(plan, change => Assert.Equal(FakeCloudFormation.StackName, change.StackName));
        Assert.StartsWith(FakeCloudFormation.StackName + "-plan-", _cloudFormation.LastChangeSet!.StackName, StringComparison.Ordinal);
        Assert.Equal(new[] { "CreateChangeSet:CREATE", "DeleteChangeSet", "DeleteStack" }, Mutations());
        Assert.Contains(_reporter.Verbose, line => line.StartsWith("WARNING:", StringComparison.Ordinal) && line.Contains("ROLLBACK_COMPLETE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_plan_without_force_over_a_rolled_back_stack_explains_it_and_creates_nothing()
    {
        _cloudFormation.Statuses.Enqueue("ROLLBACK_COMPLETE");

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() => Deployer().PlanAsync(Request(), _reporter, CancellationToken.None));

        Assert.Equal("StackInRollbackComplete", error.ErrorId);
        Assert.Empty(Mutations());
    }

    [Theory]
    [InlineData("us-east-1", "https://s3.us-east-1.amazonaws.com/b/templates/x.json")]
    [InlineData("cn-north-1", "https://s3.cn-north-1.amazonaws.com.cn/b/templates/x.json")]
    public void The_template_url_uses_the_regions_partition(string region, string expected) =>
        Assert.Equal(expected, StackDeployer.TemplateUrl(region, "b", "templates/x.json"));

    [Fact]
    public async Task A_create_adopts_the_audit_bucket_an_earlier_deployment_kept()
    {
        _cloudFormation.Statuses.Enqueue(null);
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        var probe = new FakeBucketProbe("order-audit-logs-dev-123456789012-us-east-1");

        await Deployer(buckets: probe).DeployAsync(Request(), _reporter, CancellationToken.None);

        Assert.Equal("CREATE", _cloudFormation.LastChangeSet!.ChangeSetType);
        Assert.Equal("Existing", ParameterSent("AuditBucketSource"));
        Assert.Equal("New", ParameterSent("FailedBatchesBucketSource"));
        Assert.Contains(_reporter.Warnings, w => w.Contains("order-audit-logs-dev-123456789012-us-east-1 was kept", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_create_adopts_the_failed_batches_bucket_an_earlier_deployment_kept_through_the_same_path()
    {
        _cloudFormation.Statuses.Enqueue(null);
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        var probe = new FakeBucketProbe("order-audit-logs-dev-123456789012-us-east-1", "order-failed-batches-dev-123456789012-us-east-1");

        await Deployer(buckets: probe).DeployAsync(Request(), _reporter, CancellationToken.None);

        Assert.Equal(("Existing", "Existing"), (ParameterSent("AuditBucketSource"), ParameterSent("FailedBatchesBucketSource")));
        Assert.Contains(_reporter.Warnings, w => w.Contains("failed-batches bucket order-failed-batches-dev-123456789012-us-east-1 was kept", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_create_without_a_kept_bucket_creates_one()
    {
        _cloudFormation.Statuses.Enqueue(null);
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");

        await Deployer(buckets: new FakeBucketProbe()).DeployAsync(Request(), _reporter, CancellationToken.None);

        Assert.Equal("New", ParameterSent("AuditBucketSource"));
        Assert.Equal("New", ParameterSent("FailedBatchesBucketSource"));
    }

    [Fact]
    public async Task An_update_keeps_the_parameters_the_user_did_not_pass()
    {
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        _cloudFormation.Statuses.Enqueue("UPDATE_COMPLETE");
        _cloudFormation.Parameters.Add(new OrderMonitoring.Aws.CloudFormation.Parameter { ParameterKey = "ProcessorTrigger", ParameterValue = "External" });
        _cloudFormation.Parameters.Add(new OrderMonitoring.Aws.CloudFormation.Parameter { ParameterKey = "AlertEmail", ParameterValue = "ops@example.com" });
        _cloudFormation.Parameters.Add(new OrderMonitoring.Aws.CloudFormation.Parameter { ParameterKey = "AuditBucketSource", ParameterValue = "Existing" });

        await Deployer(buckets: new FakeBucketProbe()).DeployAsync(Request(trigger: null), _reporter, CancellationToken.None);

        Assert.Equal("UPDATE", _cloudFormation.LastChangeSet!.ChangeSetType);
        Assert.Equal("External", ParameterSent("ProcessorTrigger"));
        Assert.Equal("ops@example.com", ParameterSent("AlertEmail"));
        Assert.Equal("Existing", ParameterSent("AuditBucketSource"));
    }

    [Fact]
    public async Task A_create_sends_summary_alerts_unless_full_ones_are_asked_for()
    {
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        await Deployer(buckets: new FakeBucketProbe()).DeployAsync(Request(), _reporter, CancellationToken.None);
        Assert.Equal("Summary", ParameterSent("AlertDetail"));
        Assert.DoesNotContain(_cloudFormation.LastChangeSet!.Parameters, p => p.ParameterKey == "ProcessorLogRetentionDays");
        Assert.DoesNotContain(_cloudFormation.LastChangeSet!.Parameters, p => p.ParameterKey == "DigestSealIntervalMinutes");
    }

    [Fact]
    public async Task The_seal_interval_asked_for_is_sent_and_one_not_asked_for_keeps_the_stacks()
    {
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        _cloudFormation.Statuses.Enqueue("UPDATE_COMPLETE");
        _cloudFormation.Parameters.Add(new OrderMonitoring.Aws.CloudFormation.Parameter { ParameterKey = "DigestSealIntervalMinutes", ParameterValue = "15" });

        await Deployer(buckets: new FakeBucketProbe()).DeployAsync(Request(trigger: null) with { DigestSealIntervalMinutes = 240 }, _reporter, CancellationToken.None);
        Assert.Equal("240", ParameterSent("DigestSealIntervalMinutes"));
    }

    [Fact]
    public async Task An_update_keeps_the_alert_detail_and_log_retention_unless_told_otherwise()
    {
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        _cloudFormation.Statuses.Enqueue("UPDATE_COMPLETE");
        _cloudFormation.Parameters.Add(new OrderMonitoring.Aws.CloudFormation.Parameter { ParameterKey = "AlertDetail", ParameterValue = "Full" });
        _cloudFormation.Parameters.Add(new OrderMonitoring.Aws.CloudFormation.Parameter { ParameterKey = "ProcessorLogRetentionDays", ParameterValue = "731" });
        _cloudFormation.Parameters.Add(new OrderMonitoring.Aws.CloudFormation.Parameter { ParameterKey = "DigestSealIntervalMinutes", ParameterValue = "15" });

        await Deployer(buckets: new FakeBucketProbe()).DeployAsync(Request(trigger: null), _reporter, CancellationToken.None);
        Assert.Equal("Full", ParameterSent("AlertDetail"));
        Assert.Equal("731", ParameterSent("ProcessorLogRetentionDays"));
        Assert.Equal("15", ParameterSent("DigestSealIntervalMinutes"));
    }

    [Fact]
    public async Task A_new_stack_runs_on_arm64_with_the_mappings_defaults_and_gets_the_arm64_zip()
    {
        _cloudFormation.Statuses.Enqueue(null);
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");

        await Deployer().DeployAsync(WithZipPerArchitecture(Request()), _reporter, CancellationToken.None);

        Assert.Equal("arm64", ParameterSent("ProcessorArchitecture"));
        Assert.Equal(("100", "1", "1"), (ParameterSent("StreamBatchSize"), ParameterSent("StreamMaximumBatchingWindowInSeconds"), ParameterSent("StreamParallelizationFactor")));
        Assert.EndsWith("/order-processor-arm64-abc.zip", ParameterSent("ProcessorCodeKey"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_update_keeps_the_stacks_architecture_and_mapping_settings_and_a_stack_from_before_them_stays_on_x86_64()
    {
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        _cloudFormation.Statuses.Enqueue("UPDATE_COMPLETE");
        _cloudFormation.Parameters.Add(new OrderMonitoring.Aws.CloudFormation.Parameter { ParameterKey = "StreamBatchSize", ParameterValue = "500" });

        await Deployer().DeployAsync(WithZipPerArchitecture(Request()), _reporter, CancellationToken.None);

        Assert.Equal("x86_64", ParameterSent("ProcessorArchitecture")); // deployed before the parameter existed: it ran on x86_64
        Assert.Equal("500", ParameterSent("StreamBatchSize"));
        Assert.EndsWith("/order-processor-x86_64-abc.zip", ParameterSent("ProcessorCodeKey"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_requested_architecture_and_mapping_settings_win_over_the_stacks()
    {
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        _cloudFormation.Statuses.Enqueue("UPDATE_COMPLETE");
        _cloudFormation.Parameters.Add(new OrderMonitoring.Aws.CloudFormation.Parameter { ParameterKey = "ProcessorArchitecture", ParameterValue = "arm64" });

        await Deployer().DeployAsync(WithZipPerArchitecture(Request()) with
        {
            Architecture = "x86_64", StreamBatchSize = 1000, StreamMaximumBatchingWindowInSeconds = 0, StreamParallelizationFactor = 2,
        }, _reporter, CancellationToken.None);

        Assert.Equal(("x86_64", "1000", "0", "2"), (ParameterSent("ProcessorArchitecture"), ParameterSent("StreamBatchSize"),
            ParameterSent("StreamMaximumBatchingWindowInSeconds"), ParameterSent("StreamParallelizationFactor")));
        Assert.EndsWith("/order-processor-x86_64-abc.zip", ParameterSent("ProcessorCodeKey"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatIf_lists_parameter_changes_before_resource_changes()
    {
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        _cloudFormation.Parameters.Add(new OrderMonitoring.Aws.CloudFormation.Parameter { ParameterKey = "ProcessorTrigger", ParameterValue = "External" });

        var plan = await Deployer().PlanAsync(Request(trigger: "Lambda"), _reporter, CancellationToken.None);

        var first = plan[0];
        Assert.Equal(("Modify", "ProcessorTrigger", "Parameter", "External -> Lambda"), (first.Action, first.LogicalResourceId, first.ResourceType, first.PhysicalResourceId));
        Assert.Contains(plan, change => change.LogicalResourceId == "OrderEventsTable");
    }

    [Fact]
    public async Task A_create_adopts_the_order_table_an_earlier_deployment_kept_with_its_stream()
    {
        _cloudFormation.Statuses.Enqueue(null);
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        var tables = new FakeOrderTables();
        tables.Tables["order-events-dev"] = FakeOrderTables.Kept("order-events-dev", "arn:aws:dynamodb:us-east-1:123456789012:table/order-events-dev/stream/kept");

        await Deployer(tables: tables).DeployAsync(Request(), _reporter, CancellationToken.None);

        Assert.Equal("CREATE", _cloudFormation.LastChangeSet!.ChangeSetType);
        Assert.Equal("Existing", ParameterSent("OrderTableSource"));
        Assert.Equal("arn:aws:dynamodb:us-east-1:123456789012:table/order-events-dev/stream/kept", ParameterSent("OrderTableStreamArn"));
        Assert.Contains(_reporter.Warnings, w => w.Contains("order table order-events-dev was kept", StringComparison.Ordinal));
        Assert.DoesNotContain(tables.Calls, c => c != "DescribeTable"); // adopting changes nothing on the table
    }

    [Fact]
    public async Task A_create_without_a_kept_table_creates_one_and_names_no_stream()
    {
        _cloudFormation.Statuses.Enqueue(null);
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");

        await Deployer(tables: new FakeOrderTables()).DeployAsync(Request(), _reporter, CancellationToken.None);

        Assert.Equal(("New", ""), (ParameterSent("OrderTableSource"), ParameterSent("OrderTableStreamArn")));
    }

    [Theory]
    [InlineData(null, "NEW_AND_OLD_IMAGES", "has no stream")]
    [InlineData("arn:aws:dynamodb:us-east-1:123456789012:table/order-events-dev/stream/x", "KEYS_ONLY", "KEYS_ONLY")]
    public async Task A_kept_table_the_processor_cannot_read_is_refused_before_anything_is_uploaded_or_deployed(string? stream, string viewType, string named)
    {
        _cloudFormation.Statuses.Enqueue(null);
        var tables = new FakeOrderTables();
        tables.Tables["order-events-dev"] = FakeOrderTables.Kept("order-events-dev", stream, viewType);

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() => Deployer(tables: tables).DeployAsync(Request(), _reporter, CancellationToken.None));

        Assert.Equal("KeptOrderTableUnusable", error.ErrorId);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains("-DeleteOrderTable", error.RecommendedAction, StringComparison.Ordinal);
        Assert.DoesNotContain("CreateChangeSet", _cloudFormation.Calls);
    }

    [Fact]
    public async Task An_update_of_a_stack_on_a_kept_table_passes_the_stream_the_table_has_now()
    {
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        _cloudFormation.Statuses.Enqueue("UPDATE_COMPLETE");
        _cloudFormation.Parameters.Add(new OrderMonitoring.Aws.CloudFormation.Parameter { ParameterKey = "OrderTableSource", ParameterValue = "Existing" });
        _cloudFormation.Parameters.Add(new OrderMonitoring.Aws.CloudFormation.Parameter { ParameterKey = "OrderTableStreamArn", ParameterValue = "arn:old" });
        var tables = new FakeOrderTables();
        tables.Tables["order-events-dev"] = FakeOrderTables.Kept("order-events-dev", "arn:aws:dynamodb:us-east-1:123456789012:table/order-events-dev/stream/new");

        await Deployer(tables: tables).DeployAsync(Request(), _reporter, CancellationToken.None);

        Assert.Equal("UPDATE", _cloudFormation.LastChangeSet!.ChangeSetType);
        Assert.Equal("Existing", ParameterSent("OrderTableSource"));
        Assert.Equal("arn:aws:dynamodb:us-east-1:123456789012:table/order-events-dev/stream/new", ParameterSent("OrderTableStreamArn"));
    }

    [Fact]
    public async Task An_update_of_a_stack_that_owns_its_table_keeps_it_New_without_looking_for_a_kept_one()
    {
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        _cloudFormation.Statuses.Enqueue("UPDATE_COMPLETE");
        var tables = new FakeOrderTables();
        tables.Tables["order-events-dev"] = FakeOrderTables.Kept("order-events-dev"); // the stack's own table

        await Deployer(tables: tables).DeployAsync(Request(), _reporter, CancellationToken.None);

        Assert.Equal(("New", ""), (ParameterSent("OrderTableSource"), ParameterSent("OrderTableStreamArn")));
        Assert.Empty(tables.Calls);
    }

    private const string ArtifactsBucket = "order-monitoring-artifacts-123456789012-us-east-1";

    [Fact]
    public async Task Another_accounts_artifacts_bucket_is_refused_before_anything_is_uploaded_replaced_or_deployed()
    {
        _artifacts.OtherAccountBuckets.Add(ArtifactsBucket);
        _cloudFormation.Statuses.Enqueue("ROLLBACK_COMPLETE"); // -Force would replace it: not with a hijacked bucket

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() => Deployer().DeployAsync(Request(replaceFailedStack: true), _reporter, CancellationToken.None));

        Assert.Equal("ArtifactBucketNotOwned", error.ErrorId);
        Assert.Equal(FailureKind.PermissionDenied, error.Kind);
        Assert.Contains(ArtifactsBucket, error.Message, StringComparison.Ordinal);
        Assert.Contains("account 123456789012", error.Message, StringComparison.Ordinal);
        Assert.Contains("-ArtifactBucketName", error.RecommendedAction, StringComparison.Ordinal);
        Assert.Empty(_artifacts.Changes);
        Assert.Empty(Mutations());
    }

    [Fact]
    public async Task A_plan_refuses_another_accounts_artifacts_bucket_too()
    {
        _artifacts.OtherAccountBuckets.Add("team-artifacts");
        _cloudFormation.Statuses.Enqueue(null);

        var request = Request();
        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() => Deployer().PlanAsync(
            new DeployRequest { StackName = request.StackName, Environment = "dev", TemplatePath = request.TemplatePath, ProcessorZipPath = request.ProcessorZipPath, ArtifactBucketName = "team-artifacts" },
            _reporter, CancellationToken.None));

        Assert.Equal("ArtifactBucketNotOwned", error.ErrorId);
        Assert.Empty(Mutations());
    }

    [Fact]
    public async Task An_object_with_other_bytes_at_the_processor_key_is_replaced_and_the_function_pinned_to_the_new_version()
    {
        var request = Request();
        var code = LocalArtifact.Of("processor", request.ProcessorZipPath);
        _artifacts.OwnedBuckets.Add(ArtifactsBucket);
        var planted = _artifacts.Put(ArtifactsBucket, code.Key, "c29tZW9uZSBlbHNlJ3M=");
        _cloudFormation.Statuses.Enqueue(null);
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");

        await Deployer().DeployAsync(request, _reporter, CancellationToken.None);

        Assert.Contains($"{ArtifactsBucket}/{code.Key}", _artifacts.Uploaded);
        var pinned = ParameterSent("ProcessorCodeVersion");
        Assert.NotEqual(planted, pinned);
        Assert.Equal(new StoredArtifact(pinned, code.Sha256Base64), _artifacts.Objects[$"{ArtifactsBucket}/{code.Key}"]);
        Assert.Equal(code.Key, ParameterSent("ProcessorCodeKey"));
        Assert.Contains(_reporter.Warnings, w => w.Contains("held other bytes", StringComparison.Ordinal) && w.Contains(code.Key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_object_whose_checksum_is_the_files_is_used_in_its_version_without_uploading()
    {
        var request = Request();
        var code = LocalArtifact.Of("processor", request.ProcessorZipPath);
        var version = _artifacts.Put(ArtifactsBucket, code.Key, code.Sha256Base64);
        _cloudFormation.Statuses.Enqueue(null);
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");

        await Deployer().DeployAsync(request, _reporter, CancellationToken.None);

        Assert.DoesNotContain($"{ArtifactsBucket}/{code.Key}", _artifacts.Uploaded);
        Assert.Equal(version, ParameterSent("ProcessorCodeVersion"));
        Assert.Contains(_reporter.Verbose, v => v.Contains("already there with the same SHA-256", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_object_without_a_checksum_is_uploaded_anew()
    {
        var request = Request();
        var code = LocalArtifact.Of("processor", request.ProcessorZipPath);
        var unchecked_ = _artifacts.Put(ArtifactsBucket, code.Key, null);
        _cloudFormation.Statuses.Enqueue(null);
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");

        await Deployer().DeployAsync(request, _reporter, CancellationToken.None);

        Assert.NotEqual(unchecked_, ParameterSent("ProcessorCodeVersion"));
        Assert.Contains($"{ArtifactsBucket}/{code.Key}", _artifacts.Uploaded);
        Assert.DoesNotContain(_reporter.Warnings, w => w.Contains("held other bytes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_template_overwritten_after_the_upload_stops_the_deployment_before_the_change_set()
    {
        var request = Request();
        var template = LocalArtifact.Of("templates", request.TemplatePath);
        _artifacts.BeforeReadBack = () => _artifacts.Put(ArtifactsBucket, template.Key, "b3RoZXIgdGVtcGxhdGU=");
        _cloudFormation.Statuses.Enqueue(null);

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() => Deployer().DeployAsync(request, _reporter, CancellationToken.None));

        Assert.Equal("ArtifactChanged", error.ErrorId);
        Assert.Contains($"s3://{ArtifactsBucket}/{template.Key}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("CreateChangeSet", _cloudFormation.Calls);
    }

    [Fact]
    public async Task The_template_is_read_from_the_checked_key()
    {
        var request = Request();
        _cloudFormation.Statuses.Enqueue(null);
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");

        await Deployer().DeployAsync(request, _reporter, CancellationToken.None);

        var template = LocalArtifact.Of("templates", request.TemplatePath);
        Assert.Equal(StackDeployer.TemplateUrl("us-east-1", ArtifactsBucket, template.Key), _cloudFormation.LastChangeSet!.TemplateURL);
        Assert.Contains(_reporter.Verbose, v => v.Contains("still holds the module's template", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_plan_pins_the_version_already_in_the_bucket_or_says_it_would_upload()
    {
        var request = Request();
        _cloudFormation.Statuses.Enqueue(null);
        await Deployer().PlanAsync(request, _reporter, CancellationToken.None);
        Assert.Equal("uploaded-on-deploy", ParameterSent("ProcessorCodeVersion"));

        var code = LocalArtifact.Of("processor", request.ProcessorZipPath);
        _artifacts.OwnedBuckets.Add(ArtifactsBucket);
        var version = _artifacts.Put(ArtifactsBucket, code.Key, code.Sha256Base64);
        _cloudFormation.Statuses.Enqueue(null);
        await Deployer().PlanAsync(request, _reporter, CancellationToken.None);
        Assert.Equal(version, ParameterSent("ProcessorCodeVersion"));
        Assert.Empty(_artifacts.Uploaded);
    }

    [Fact]
    public async Task The_code_signing_configuration_is_passed_through_and_kept_on_an_update_that_does_not_name_one()
    {
        const string Arn = "arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-0123456789abcdefg";
        _cloudFormation.Statuses.Enqueue(null);
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        await Deployer().DeployAsync(Request(codeSigning: Arn), _reporter, CancellationToken.None);
        Assert.Equal(Arn, ParameterSent("CodeSigningConfigArn"));

        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        _cloudFormation.Statuses.Enqueue("UPDATE_COMPLETE");
        _cloudFormation.Parameters.Add(new OrderMonitoring.Aws.CloudFormation.Parameter { ParameterKey = "CodeSigningConfigArn", ParameterValue = Arn });
        await Deployer().DeployAsync(Request(), _reporter, CancellationToken.None);
        Assert.Equal(Arn, ParameterSent("CodeSigningConfigArn"));
    }

    /// <summary>The request with one zip per architecture, each with different bytes (so different content keys).</summary>
    private DeployRequest WithZipPerArchitecture(DeployRequest request)
    {
        var zips = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var architecture in new[] { "arm64", "x86_64" })
        {
            zips[architecture] = Path.Combine(_folder, $"order-processor-{architecture}-abc.zip");
            File.WriteAllText(zips[architecture], "zip for " + architecture);
        }

        return request with { ProcessorZipPaths = zips };
    }

    private string? ParameterSent(string key) => _cloudFormation.LastChangeSet!.Parameters.Single(p => p.ParameterKey == key).ParameterValue;

    private sealed class FakeBucketProbe(params string[] existing) : IBucketProbe
    {
        public Task<bool> ExistsAsync(string bucket, CancellationToken cancellationToken) => Task.FromResult(existing.Contains(bucket));
    }

    /// <summary>The calls that change something, in order.</summary>
    private IEnumerable<string> Mutations() =>
        _cloudFormation.Calls.Where(call => !call.StartsWith("Describe", StringComparison.Ordinal) && !call.StartsWith("List", StringComparison.Ordinal));

    private StackDeployer Deployer(Action? onPoll = null, IBucketProbe? buckets = null, IOrderTableClient? tables = null)
    {
        var timing = new PollTiming { Interval = TimeSpan.FromSeconds(2), Time = _time };
        _time.Stepped = onPoll;
        return new StackDeployer(_cloudFormation, _artifacts, _artifacts, "us-east-1", timing, buckets: buckets, tables: tables);
    }

    private DeployRequest Request(TimeSpan? timeout = null, string? trigger = "External", bool replaceFailedStack = false, string? codeSigning = null)
    {
        var template = Path.Combine(_folder, "order-monitoring.json");
        var zip = Path.Combine(_folder, "order-processor-abc.zip");
        File.WriteAllText(template, "{}");
        File.WriteAllText(zip, "zip");
        return new DeployRequest
        {
            StackName = FakeCloudFormation.StackName, Environment = "dev", TemplatePath = template, ProcessorZipPath = zip,
            ProcessorTrigger = trigger, Timeout = timeout ?? TimeSpan.FromMinutes(5), ReplaceFailedStack = replaceFailedStack,
            CodeSigningConfigArn = codeSigning,
        };
    }
}
