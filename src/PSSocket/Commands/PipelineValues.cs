using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace PSSocket.Commands
{
    internal static class PipelineValues
    {
        /// <summary>
        /// The values inside what PowerShell bound: PSObject wrappers removed, arrays and lists walked,
        /// byte arrays and strings kept whole.
        /// </summary>
        public static IEnumerable<object> Flatten(object? value)
        {
            object? unwrapped = value is PSObject wrapper ? wrapper.BaseObject : value;
            switch (unwrapped)
            {
                case null:
                    yield break;
                case byte[] _:
                case string _:
                case char[] _:
                case IDictionary _:
                    yield return unwrapped;
                    yield break;
                case IEnumerable sequence:
                    foreach (object? element in sequence)
                    {
                        foreach (object inner in Flatten(element))
                        {
                            yield return inner;
                        }
                    }

                    yield break;
                default:
                    yield return unwrapped;
                    yield break;
            }
        }
    }
}
