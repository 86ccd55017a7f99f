using OrderMonitoring.Aws.Protocol;
using OrderMonitoring.Aws.Protocol.Json;

namespace OrderMonitoring.Aws.Streams;

/// <summary>Our DynamoDB Streams client (AWS JSON 1.0, signing name <c>dynamodb</c>).</summary>
public sealed class AmazonDynamoDBStreamsClient : IAmazonDynamoDBStreams
{
    internal const string TargetPrefix = "DynamoDBStreams_20120810";
    private readonly JsonProtocol _protocol;

    /// <summary>A client for the connection's region and DynamoDB Streams endpoint.</summary>
    public AmazonDynamoDBStreamsClient(AwsConnection connection, AwsRetryOptions? retry = null)
        => _protocol = new JsonProtocol(ServiceDescriptor.DynamoDBStreams, TargetPrefix, connection, retry);

    /// <inheritdoc />
    public Task<ListStreamsResponse> ListStreamsAsync(ListStreamsRequest request, CancellationToken cancellationToken = default) =>
        _protocol.InvokeAsync<ListStreamsRequest, ListStreamsResponse>("ListStreams", request, cancellationToken);

    /// <inheritdoc />
    public Task<DescribeStreamResponse> DescribeStreamAsync(DescribeStreamRequest request, CancellationToken cancellationToken = default) =>
        _protocol.InvokeAsync<DescribeStreamRequest, DescribeStreamResponse>("DescribeStream", request, cancellationToken);

    /// <inheritdoc />
    public Task<GetShardIteratorResponse> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default) =>
        _protocol.InvokeAsync<GetShardIteratorRequest, GetShardIteratorResponse>("GetShardIterator", request, cancellationToken);

    /// <inheritdoc />
    public Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default) =>
        _protocol.InvokeAsync<GetRecordsRequest, GetRecordsResponse>("GetRecords", request, cancellationToken);

    /// <summary>Nothing to release: the HTTP connection pool is shared by the process.</summary>
    public void Dispose()
    {
    }
}
