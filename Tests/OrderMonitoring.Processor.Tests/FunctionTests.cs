using System.Text;
using System.Text.Json;
using OrderMonitoring.Processor.Lambda;
using OrderMonitoring.Processor.Tests.Fakes;

namespace OrderMonitoring.Processor.Tests;

public sealed class FunctionTests
{
    private static async Task<JsonElement> InvokeAsync(Harness harness, string eventJson)
    {
        var function = harness.Processor.Function();
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(eventJson));
        using var output = await function.HandleAsync(input);
        return (await JsonDocument.ParseAsync(output)).RootElement;
    }

    [Fact]
    public async Task Stream_event_in_partial_batch_response_out()
    {
        var harness = new Harness();
        var ok = Events.Insert("ORD-OK");
        var bad = Events.Insert("ORD-BAD");
        harness.Store.FailWhen = key => key.Contains("ORD-BAD", StringComparison.Ordinal);

        var response = await InvokeAsync(harness, Events.EventJson([ok, bad]));

        var failure = Assert.Single(response.GetProperty("batchItemFailures").EnumerateArray());
        Assert.Equal(bad.Dynamodb!.SequenceNumber, failure.GetProperty("itemIdentifier").GetString());
        Assert.Single(harness.Store.Objects);
    }

    [Theory]
    [InlineData("""{"orderMonitoring":"seal"}""", true)]
    [InlineData(" { \"orderMonitoring\" : \"seal\" }\n", true)]
    [InlineData("""{"orderMonitoring":"seal"}""", false)]
    public async Task The_schedules_seal_input_writes_one_seal_and_answers_with_it(string input, bool seekable)
    {
        var harness = new Harness();
        var store = new MemorySealStore();
        var sealer = new Digests.SealWriter(store, null, "no digest signing key is configured", Digests.SealInterval.Default, harness.Processor.Processor.Log,
            new Batch.BatchProcessorOptions { Time = new TestSupport.SteppingTime(Harness.Now) });
        var function = new Function(harness.Processor.Processor, harness.Processor.Handler, sealer);
        using var bytes = new MemoryStream(Encoding.UTF8.GetBytes(input));

        using var output = await function.HandleAsync(seekable ? bytes : new ForwardOnlyStream(bytes));

        var response = (await JsonDocument.ParseAsync(output)).RootElement;
        var key = Assert.Single(store.Objects.Keys);
        Assert.Equal(key, response.GetProperty("seal").GetString());
        Assert.Equal((true, false, "no digest signing key is configured"),
            (response.GetProperty("written").GetBoolean(), response.GetProperty("signed").GetBoolean(), response.GetProperty("unsigned").GetString()));
        Assert.Empty(harness.Store.Objects);
    }

    [Theory]
    [InlineData("""{"orderMonitoring":"seal","Records":[]}""")]
    [InlineData("""{"orderMonitoring":"other"}""")]
    public async Task Only_the_exact_seal_input_seals(string input)
    {
        var store = new MemorySealStore();
        var harness = new Harness();
        var sealer = new Digests.SealWriter(store, null, null, Digests.SealInterval.Default, harness.Processor.Processor.Log, new Batch.BatchProcessorOptions());
        var function = new Function(harness.Processor.Processor, harness.Processor.Handler, sealer);
        using var bytes = new MemoryStream(Encoding.UTF8.GetBytes(input));

        if (input.Contains("Records", StringComparison.Ordinal))
        {
            using var output = await function.HandleAsync(bytes);
            Assert.Equal(0, (await JsonDocument.ParseAsync(output)).RootElement.GetProperty("batchItemFailures").GetArrayLength());
        }
        else
        {
            await Assert.ThrowsAsync<InvalidDataException>(() => function.HandleAsync(bytes));
        }

        Assert.Empty(store.Objects);
    }

    /// <summary>An input the runtime hands over without seeking (the function buffers it once).</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task Empty_records_array_succeeds_with_no_failures()
    {
        var response = await InvokeAsync(new Harness(), """{"Records":[]}""");
        Assert.Equal(0, response.GetProperty("batchItemFailures").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"detail-type":"Scheduled Event"}""", "no \"Records\" array")]
    [InlineData("""{"Records":[{"eventSource":"aws:sqs","body":"x"}]}""", "eventSource 'aws:sqs'")]
    [InlineData("""{"Records":{}}""", "no \"Records\" array")]
    [InlineData("""{"Records":["x",{"eventName":"INSERT"}]}""", "record 0: the record is a JSON string")]
    [InlineData("""[1,2]""", "not a JSON object")]
    [InlineData("""not json""", "not a JSON object")]
    public async Task Anything_but_a_stream_event_fails_the_invocation_clearly(string eventJson, string expected)
    {
        var harness = new Harness();
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => InvokeAsync(harness, eventJson));
        Assert.Contains("not a DynamoDB stream event", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Empty(harness.Store.Objects);
    }

    [Fact]
    public void The_digest_signing_key_comes_from_its_variable_and_is_optional()
    {
        var variables = new Dictionary<string, string?>
        {
            ["AUDIT_BUCKET_NAME"] = "audit-bucket",
            ["SNS_TOPIC_ARN"] = "arn:aws:sns:us-east-1:123456789012:alerts",
            [Template.TemplateContract.FunctionVariables.DigestSigningKeyId] = " arn:aws:kms:us-east-1:123456789012:key/k ",
        };
        Assert.Equal("arn:aws:kms:us-east-1:123456789012:key/k", FunctionSettings.FromEnvironment(name => variables.GetValueOrDefault(name)).DigestSigningKeyId);

        variables[Template.TemplateContract.FunctionVariables.DigestSigningKeyId] = "";
        Assert.Null(FunctionSettings.FromEnvironment(name => variables.GetValueOrDefault(name)).DigestSigningKeyId);
    }

    [Theory]
    [InlineData(null, 60)]
    [InlineData(" 15 ", 15)]
    [InlineData("5", 5)]
    [InlineData("1440", 1440)]
    [InlineData("4", null)]
    [InlineData("1441", null)]
    [InlineData("hourly", null)]
    public void The_seal_interval_comes_from_its_variable_within_the_templates_bounds(string? value, int? minutes)
    {
        var variables = new Dictionary<string, string?>
        {
            ["AUDIT_BUCKET_NAME"] = "audit-bucket",
            ["SNS_TOPIC_ARN"] = "arn:aws:sns:us-east-1:123456789012:alerts",
            [Template.TemplateContract.FunctionVariables.DigestSealIntervalMinutes] = value,
        };
        if (minutes is { } expected)
        {
            Assert.Equal(TimeSpan.FromMinutes(expected), FunctionSettings.FromEnvironment(name => variables.GetValueOrDefault(name)).SealInterval.Interval);
        }
        else
        {
            var error = Assert.Throws<InvalidOperationException>(() => FunctionSettings.FromEnvironment(name => variables.GetValueOrDefault(name)));
            Assert.Contains(Template.TemplateContract.FunctionVariables.DigestSealIntervalMinutes, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Settings_come_from_the_environment_variables_and_demand_the_required_ones()
    {
        var variables = new Dictionary<string, string?>
        {
            ["AUDIT_BUCKET_NAME"] = "audit-bucket",
            ["SNS_TOPIC_ARN"] = "arn:aws:sns:us-east-1:123456789012:alerts",
            ["ENVIRONMENT_SUFFIX"] = "prod",
            ["LOG_LEVEL"] = "debug",
            ["MAX_CONCURRENCY"] = "4",
        };
        var settings = FunctionSettings.FromEnvironment(name => variables.GetValueOrDefault(name));
        Assert.Equal(("audit-bucket", "prod", 4, Observability.ProcessorLogLevel.Debug), (settings.AuditBucketName, settings.Environment, settings.MaxConcurrency, settings.LogLevel));

        variables["MAX_CONCURRENCY"] = "0";
        Assert.Contains("MAX_CONCURRENCY", Assert.Throws<InvalidOperationException>(() => FunctionSettings.FromEnvironment(name => variables.GetValueOrDefault(name))).Message, StringComparison.Ordinal);
        variables["MAX_CONCURRENCY"] = null;
        variables["AUDIT_BUCKET_NAME"] = "";
        Assert.Contains("AUDIT_BUCKET_NAME", Assert.Throws<InvalidOperationException>(() => FunctionSettings.FromEnvironment(name => variables.GetValueOrDefault(name))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" 8", 8)]
    [InlineData("8 ", 8)]
    [InlineData("\t32\r\n", 32)]
    [InlineData("   ", 16)]
    public void Whitespace_around_MAX_CONCURRENCY_is_ignored_like_around_the_other_settings(string text, int expected)
    {
        var variables = new Dictionary<string, string?>
        {
            ["AUDIT_BUCKET_NAME"] = " audit-bucket\n",
            ["SNS_TOPIC_ARN"] = "arn:aws:sns:us-east-1:123456789012:alerts",
            ["ENVIRONMENT_SUFFIX"] = " prod\t",
            ["LOG_LEVEL"] = " warn ",
            ["MAX_CONCURRENCY"] = text,
        };

        var settings = FunctionSettings.FromEnvironment(name => variables.GetValueOrDefault(name));

        Assert.Equal((expected, "audit-bucket", "prod", Observability.ProcessorLogLevel.Warn), (settings.MaxConcurrency, settings.AuditBucketName, settings.Environment, settings.LogLevel));
    }

    [Theory]
    [InlineData("eight")]
    [InlineData(" 4 4 ")]
    [InlineData("+4")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("2147483648")]
    public void An_invalid_MAX_CONCURRENCY_fails_naming_the_variable_and_the_value(string text)
    {
        var variables = new Dictionary<string, string?> { ["AUDIT_BUCKET_NAME"] = "b", ["SNS_TOPIC_ARN"] = "t", ["MAX_CONCURRENCY"] = text };

        var error = Assert.Throws<InvalidOperationException>(() => FunctionSettings.FromEnvironment(name => variables.GetValueOrDefault(name)));

        Assert.Contains("MAX_CONCURRENCY", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
    }
}
