using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using PSSocket.Sessions;

namespace PSSocket.Binding
{
    internal static class PipelineValues
    {
        /// <summary>
        /// The values inside what PowerShell bound: PSObject wrappers removed, arrays and lists walked,
        /// byte arrays and strings kept whole, a received datagram as its payload.
        /// </summary>
        public static IEnumerable<object> Flatten(object? value)
        {
            object? unwrapped = value is PSObject wrapper ? wrapper.BaseObject : value;
            switch (unwrapped)
            {
                case null:
                    yield break;
                case SocketDatagram datagram:
                    yield return datagram.Payload;
                    yield break;
                case byte[] _:
                case string _:
                case char[] _:
                case IDictionary _:
                    yield return unwrapped;
                    yield break;
                case IList list when OnlyBytes(list):
                    yield return ToBytes(list);
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

        /// <summary>True for a non-empty list whose items are all bytes, such as [byte[]]$a + [byte[]]$b (an object[] in PowerShell).</summary>
        private static bool OnlyBytes(IList list)
        {
            if (list.Count == 0)
            {
                return false;
            }

            foreach (object? item in list)
            {
                if (!((item is PSObject wrapper ? wrapper.BaseObject : item) is byte))
                {
                    return false;
                }
            }

            return true;
        }

        private static byte[] ToBytes(IList list)
        {
            var bytes = new byte[list.Count];
            for (int i = 0; i < bytes.Length; i++)
            {
                object item = list[i]!;
                bytes[i] = (byte)(item is PSObject wrapper ? wrapper.BaseObject : item);
            }

            return bytes;
        }
    }
}
