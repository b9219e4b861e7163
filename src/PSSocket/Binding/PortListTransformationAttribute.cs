using System;
using System.Collections.Generic;
using System.Management.Automation;
using PSSocket.HealthChecks;

namespace PSSocket.Binding
{
    /// <summary>Binds -Port from numbers, arrays of numbers, and strings with lists and ranges ("80,443,8000-8010").</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class PortListTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var ports = new List<int>();
            foreach (object value in PipelineValues.Flatten(inputData))
            {
                if (value is string text)
                {
                    try
                    {
                        ports.AddRange(PortList.Parse(text));
                    }
                    catch (FormatException e)
                    {
                        throw new ArgumentTransformationMetadataException(e.Message, e);
                    }
                }
                else
                {
                    try
                    {
                        ports.Add(LanguagePrimitives.ConvertTo<int>(value));
                    }
                    catch (PSInvalidCastException e)
                    {
                        throw new ArgumentTransformationMetadataException($"'{value}' is not a port number.", e);
                    }
                }
            }

            return ports.ToArray();
        }
    }
}
