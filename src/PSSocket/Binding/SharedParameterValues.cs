using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace PSSocket.Binding
{
    /// <summary>
    /// The shared parameters one cmdlet offers (its GetDynamicParameters result) and, once bound, their values.
    /// </summary>
    internal sealed class SharedParameterValues
    {
        private readonly RuntimeDefinedParameterDictionary _parameters = new RuntimeDefinedParameterDictionary();
        private readonly List<SharedParameter> _order = new List<SharedParameter>();

        public SharedParameterValues(params SharedParameterUse[] uses)
            : this((IEnumerable<SharedParameterUse>)uses)
        {
        }

        public SharedParameterValues(IEnumerable<SharedParameterUse> uses)
        {
            foreach (IGrouping<SharedParameter, SharedParameterUse> group in uses.GroupBy(u => u.Parameter))
            {
                _order.Add(group.Key);
                RuntimeDefinedParameter defined = group.Key.Define(group.First().Sets, group.First().Mandatory);
                foreach (SharedParameterUse more in group.Skip(1))
                {
                    foreach (System.Attribute attribute in more.Parameter.Define(more.Sets, more.Mandatory).Attributes.OfType<ParameterAttribute>())
                    {
                        defined.Attributes.Add(attribute);
                    }
                }

                _parameters.Add(group.Key.Name, defined);
            }
        }

        /// <summary>What GetDynamicParameters returns.</summary>
        public RuntimeDefinedParameterDictionary Parameters => _parameters;

        /// <summary>The shared parameters of this cmdlet, in the order it declared them.</summary>
        public IEnumerable<SharedParameter> Declared => _order;

        public bool Has(SharedParameter parameter) => _parameters.ContainsKey(parameter.Name);

        public bool IsBound(SharedParameter parameter) => _parameters.TryGetValue(parameter.Name, out RuntimeDefinedParameter? p) && p.IsSet;

        /// <summary>The bound value, or <paramref name="unbound"/> when the user did not give the parameter (or the cmdlet does not take it).</summary>
        public T Get<T>(SharedParameter parameter, T unbound)
        {
            if (!_parameters.TryGetValue(parameter.Name, out RuntimeDefinedParameter? p) || !p.IsSet || p.Value == null)
            {
                return unbound;
            }

            object value = p.Value is PSObject wrapped ? wrapped.BaseObject : p.Value;
            return (T)LanguagePrimitives.ConvertTo(value, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool Switch(SharedParameter parameter) => Get(parameter, new SwitchParameter(false)).IsPresent;
    }
}
