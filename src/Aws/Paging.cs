namespace OrderMonitoring.Aws;

/// <summary>
/// The one paging loop: asks for pages, passing each page's continuation token back, until a page has none, so no
/// caller ever drops a page. The token is typed: a string for most services, a record for answers that continue from
/// more than one value (S3's key and version-id markers), a key map for DynamoDB; null (or an empty string) ends. Callbacks instead of <c>IAsyncEnumerable</c>: in the module, that interface would load
/// Microsoft.Bcl.AsyncInterfaces, whose version differs from the one PowerShell already loaded.
/// </summary>
public static class Paging
{
    /// <summary>Hands every page to <paramref name="onPage"/>, in order.</summary>
    /// <param name="fetch">Reads the page for a token (null for the first page).</param>
    /// <param name="nextToken">The token of the page after this one; null or empty on the last page.</param>
    /// <param name="onPage">Called once per page, before the next page is asked for.</param>
    /// <param name="cancellationToken">Cancels between and during pages.</param>
    public static async Task ForEachPageAsync<TPage, TToken>(Func<TToken?, CancellationToken, Task<TPage>> fetch, Func<TPage, TToken?> nextToken,
        Func<TPage, Task> onPage, CancellationToken cancellationToken)
        where TToken : class
    {
        if (fetch is null || nextToken is null || onPage is null)
        {
            throw new ArgumentNullException(fetch is null ? nameof(fetch) : nextToken is null ? nameof(nextToken) : nameof(onPage));
        }

        TToken? token = null;
        do
        {
            var page = await fetch(token, cancellationToken).ConfigureAwait(false);
            await onPage(page).ConfigureAwait(false);
            token = nextToken(page);
        }
        while (token is not null and not string { Length: 0 });
    }

    /// <summary>The items of every page, in order.</summary>
    public static async Task<List<TItem>> ReadAllAsync<TPage, TToken, TItem>(Func<TToken?, CancellationToken, Task<TPage>> fetch, Func<TPage, TToken?> nextToken,
        Func<TPage, IEnumerable<TItem>> items, CancellationToken cancellationToken)
        where TToken : class
    {
        if (items is null)
        {
            throw new ArgumentNullException(nameof(items));
        }

        var all = new List<TItem>();
        await ForEachPageAsync(fetch, nextToken, page =>
        {
            all.AddRange(items(page));
            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        return all;
    }

    /// <summary>
    /// The first page with the items of every later page appended to it (for answers whose first page carries more
    /// than the list, like a change set's status or a stream's description).
    /// </summary>
    public static async Task<TPage> MergeAllAsync<TPage, TToken, TItem>(Func<TToken?, CancellationToken, Task<TPage>> fetch, Func<TPage, TToken?> nextToken,
        Func<TPage, List<TItem>> items, CancellationToken cancellationToken)
        where TPage : class
        where TToken : class
    {
        if (items is null)
        {
            throw new ArgumentNullException(nameof(items));
        }

        TPage? first = null;
        await ForEachPageAsync(fetch, nextToken, page =>
        {
            if (first is null)
            {
                first = page;
            }
            else
            {
                items(first).AddRange(items(page));
            }

            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        return first!;
    }

    /// <summary><see cref="ForEachPageAsync{TPage, TToken}"/> for a string token (most services).</summary>
    public static Task ForEachPageAsync<TPage>(Func<string?, CancellationToken, Task<TPage>> fetch, Func<TPage, string?> nextToken,
        Func<TPage, Task> onPage, CancellationToken cancellationToken) =>
        ForEachPageAsync<TPage, string>(fetch, nextToken, onPage, cancellationToken);

    /// <summary><see cref="ReadAllAsync{TPage, TToken, TItem}"/> for a string token.</summary>
    public static Task<List<TItem>> ReadAllAsync<TPage, TItem>(Func<string?, CancellationToken, Task<TPage>> fetch, Func<TPage, string?> nextToken,
        Func<TPage, IEnumerable<TItem>> items, CancellationToken cancellationToken) =>
        ReadAllAsync<TPage, string, TItem>(fetch, nextToken, items, cancellationToken);

    /// <summary><see cref="MergeAllAsync{TPage, TToken, TItem}"/> for a string token.</summary>
    public static Task<TPage> MergeAllAsync<TPage, TItem>(Func<string?, CancellationToken, Task<TPage>> fetch, Func<TPage, string?> nextToken,
        Func<TPage, List<TItem>> items, CancellationToken cancellationToken)
        where TPage : class =>
        MergeAllAsync<TPage, string, TItem>(fetch, nextToken, items, cancellationToken);
}
