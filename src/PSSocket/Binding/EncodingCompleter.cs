using System.Collections.Generic;
using PSSocket.Text;

namespace PSSocket.Binding
{
    /// <summary>Tab completion for -Encoding: the names pwsh 7 gives its encodings.</summary>
    internal sealed class EncodingCompleter : KnownNamesCompleter
    {
        protected override IEnumerable<string> Names => EncodingResolver.KnownNames;
    }
}
