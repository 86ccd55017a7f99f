namespace OrderMonitoring.Aws;

/// <summary>
/// How an endpoint URL appears in messages: a user name or password written into the URL
/// (<c>http://user:secret@host</c>) is replaced by <c>***</c>, so no message, log or ToString() repeats it.
/// </summary>
public static class EndpointText
{
    private const string Hidden = "***";

    /// <summary>The URL for messages, without user information.</summary>
    public static string ForMessage(Uri? endpoint) =>
        endpoint is null ? string.Empty : ForMessage(endpoint.OriginalString);

    /// <summary>
    /// The text for messages, without user information. Works on text that is not a valid URL too, because that is
    /// exactly what an error message about a bad URL has to show.
    /// </summary>
    public static string ForMessage(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var value = text!;
        var schemeEnd = value.IndexOf("://", StringComparison.Ordinal);
        var authorityStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
        if (schemeEnd >= 0 && Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri))
        {
            // A URL that parses: only its own user information goes, an '@' later in the path stays.
            return HasUserInfo(uri) ? $"{uri.Scheme}://{Hidden}@{uri.Authority}{uri.PathAndQuery}{uri.Fragment}" : value;
        }

        // Text that is no URL can't be split reliably (a password may hold '/' or '@'): everything up to the last '@'
        // is hidden, which may hide more than the password but never less.
        var at = value.LastIndexOf('@');
        return at < authorityStart ? value : value.Substring(0, authorityStart) + Hidden + value.Substring(at);
    }

    /// <summary>
    /// True for a plain http:// endpoint on another machine: requests are signed (nobody can forge them) but travel
    /// unencrypted, so anyone on the way reads the order data. Loopback (a local emulator) is fine.
    /// </summary>
    public static bool IsPlainHttpToAnotherHost(Uri endpoint) =>
        endpoint is not null && endpoint.Scheme == Uri.UriSchemeHttp && !endpoint.IsLoopback;

    /// <summary>True when the URL carries a user name or password.</summary>
    public static bool HasUserInfo(Uri endpoint) => !string.IsNullOrEmpty(endpoint.UserInfo);
}
