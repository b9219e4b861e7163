using System;
using System.Management.Automation;
using System.Net.Sockets;
using PSSocket.Sessions;

namespace PSSocket.Binding
{
    /// <summary>Lets -IPProtocol take a keyword (Icmp, IcmpV6, ...), a number from 0 to 255, or a ProtocolType.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class IPProtocolTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? value = inputData is PSObject wrapper ? wrapper.BaseObject : inputData;
            string? problem;
            IPProtocol? protocol;
            switch (value)
            {
                case null:
                case IPProtocol _:
                    return value;
                case string text:
                    protocol = IPProtocol.TryParse(text, out problem);
                    break;
                case ProtocolType type:
                    protocol = IPProtocol.FromNumber((long)type, out problem);
                    break;
                case byte _:
                case sbyte _:
                case short _:
                case ushort _:
                case int _:
                case uint _:
                case long _:
                    protocol = IPProtocol.FromNumber(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture), out problem);
                    break;
                default:
                    problem = $"A {value.GetType().Name} is not an IP protocol: give a number from 0 to 255 or one of {string.Join(", ", IPProtocol.Names)}.";
                    protocol = null;
                    break;
            }

            return protocol ?? throw new ArgumentTransformationMetadataException(problem);
        }
    }
}
