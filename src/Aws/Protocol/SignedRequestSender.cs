using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace OrderMonitoring.Aws.Protocol;

/// <summary>
/// A request ready to send: which operation, the bytes, the headers the protocol needs and, for REST protocols,
/// the method and the path and query below the endpoint (POST to the endpoint itself otherwise).
/// </summary>
internal sealed record OutgoingRequest(string Operation, byte[] Body, string ContentType, IReadOnlyDictionary<string, string> Headers)
{
    public HttpMethod Method { get; init; } = HttpMethod.Post;

    /// <summary>Already escaped, e.g. <c>2015-03-31/event-source-mappings/?FunctionName=f</c>; null for the endpoint itself.</summary>
    public string? PathAndQuery { get; init; }
}

/// <summary>A parsed error answer: the protocol layer knows the format, the sender knows what to do with it.</summary>
internal readonly record struct ParsedError(string Code, string Message, string? RequestId);

/// <summary>Turns an error answer's status and body into code, message and request id (one per protocol).</summary>
internal delegate ParsedError ErrorParser(HttpStatusCode status, string body, HttpResponseHeaders headers);

/// <summary>
/// Signs (SigV4 via AWSSDK.Core), sends on the shared HttpClient and retries transient failures for one service.
/// Each attempt is signed afresh so its date stays valid.
/// </summary>
internal sealed class SignedRequestSender
{
    private readonly ServiceDescriptor _service;
    private readonly AWSCredentials _credentials;
    private readonly RegionEndpoint _region;
    private readonly HttpClient _http;
    private readonly ErrorParser _parseError;
    private readonly AwsRetryOptions _retry;
    private readonly ResiliencePipeline _pipeline;

    public SignedRequestSender(ServiceDescriptor service, AwsConnection connection, ErrorParser parseError,
        AwsRetryOptions? retry = null, HttpClient? http = null)
    {
        _service = service;
        _credentials = connection.Credentials;
        _region = connection.Region;
        Endpoint = connection.EndpointFor(service.ServiceId) ?? service.RegionalEndpoint(connection.Region);
        _parseError = parseError;
        _retry = retry ?? AwsRetryOptions.Default;
        _retry.Validate();
        _http = http ?? SharedHttpClient.Instance;
        _pipeline = BuildPipeline(_retry);
    }

    /// <summary>Where requests go.</summary>
    public Uri Endpoint { get; }

    /// <summary>Sends the request, retrying transient failures, and returns the body of the successful answer.</summary>
    public async Task<string> SendAsync(OutgoingRequest request, CancellationToken cancellationToken)
    {
        var attempts = 0;
        try
        {
            return await _pipeline.ExecuteAsync(
                async token =>
                {
                    Interlocked.Increment(ref attempts);
                    return await SendOnceAsync(request, token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException ex) when (attempts > 1)
        {
            throw ex.WithAttempts(attempts);
        }
        catch (TimeoutRejectedException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"{_service.ServiceId} {request.Operation} got no answer from {Endpoint.Authority} in time ({attempts} attempt(s), "
                + $"{_retry.AttemptTimeout.TotalSeconds:0.#} s each, {_retry.TotalTimeout.TotalSeconds:0.#} s in all).", ex);
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException(
                $"{_service.ServiceId} {request.Operation} could not reach {Endpoint.Authority} ({attempts} attempt(s)): {ex.Message}", ex);
        }
    }

    private async Task<string> SendOnceAsync(OutgoingRequest request, CancellationToken cancellationToken)
    {
        using var message = await BuildSignedMessageAsync(request, cancellationToken).ConfigureAwait(false);
        using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var body = await ReadBodyAsync(response.Content, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return body;
        }

        var error = _parseError(response.StatusCode, body, response.Headers);
        var secrets = await SecretsAsync(message).ConfigureAwait(false);
        throw new AwsServiceException(_service.ServiceId, request.Operation, error.Code, SecretScrubber.Scrub(error.Message, secrets),
            error.RequestId, response.StatusCode, TransientErrors.IsTransient(response.StatusCode, error.Code));
    }

    private async Task<HttpRequestMessage> BuildSignedMessageAsync(OutgoingRequest request, CancellationToken cancellationToken)
    {
        // A GET has no body, so no Content-Type: a header signed but never sent would break the signature.
        var hasBody = request.Method != HttpMethod.Get;
        var signingHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (hasBody)
        {
            signingHeaders["Content-Type"] = request.ContentType;
        }

        foreach (var header in request.Headers)
        {
            signingHeaders[header.Key] = header.Value;
        }

        var uri = request.PathAndQuery is null ? Endpoint : new Uri(Endpoint, request.PathAndQuery);
        var signing = new AWSSigningRequest { HttpMethod = request.Method, RequestUri = uri, Content = request.Body };
        foreach (var header in signingHeaders)
        {
            signing.Headers[header.Key] = header.Value;
        }

        var signed = await AWSSigV4Signer.SignAsync(signing,
            new AWSSigV4Parameters { Credentials = _credentials, Region = _region, Service = _service.SigningName, SignPayload = true },
            cancellationToken).ConfigureAwait(false);

        var message = new HttpRequestMessage(request.Method, uri);
        if (hasBody)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        }

        foreach (var header in signingHeaders.Concat(signed.Headers))
        {
            if (!string.Equals(header.Key, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return message;
    }

    private async Task<IEnumerable<string?>> SecretsAsync(HttpRequestMessage message)
    {
        var credentials = await _credentials.GetCredentialsAsync().ConfigureAwait(false);
        var signature = message.Headers.TryGetValues("Authorization", out var values) ? SignatureOf(values.FirstOrDefault()) : null;
        return new[] { credentials.SecretKey, credentials.Token, signature };
    }

    private static string? SignatureOf(string? authorization)
    {
        const string Marker = "Signature=";
        var at = authorization?.IndexOf(Marker, StringComparison.Ordinal) ?? -1;
        return at < 0 ? null : authorization!.Substring(at + Marker.Length);
    }

    private static async Task<string> ReadBodyAsync(HttpContent content, CancellationToken cancellationToken)
    {
#if NET
        var bytes = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
#else
        cancellationToken.ThrowIfCancellationRequested();
        var bytes = await content.ReadAsByteArrayAsync().ConfigureAwait(false);
#endif
        return Encoding.UTF8.GetString(bytes);
    }

    private static ResiliencePipeline BuildPipeline(AwsRetryOptions retry)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = retry.Time }.AddTimeout(retry.TotalTimeout);
        if (retry.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = retry.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = retry.BaseDelay,
                MaxDelay = retry.MaxDelay,
                ShouldHandle = new PredicateBuilder()
                    .Handle<AwsServiceException>(ex => ex.IsRetryable)
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>(),
            });
        }

        return builder.AddTimeout(retry.AttemptTimeout).Build();
    }
}
