using System;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;

namespace PSSocket.Binding
{
    /// <summary>
    /// One parameter that several cmdlets take, declared once: name, type, aliases and validation. Each cmdlet
    /// places it in its own parameter sets (<see cref="In"/>) and offers it as a dynamic parameter, so Get-Command,
    /// Get-Help, tab completion and the parameter binder see it as if the cmdlet declared it itself.
    /// </summary>
    internal sealed class SharedParameter
    {
        private readonly Func<Attribute[]> _attributes;

        public SharedParameter(string name, Type type, string[] aliases, Func<Attribute[]> attributes)
        {
            Name = name;
            Type = type;
            Aliases = aliases;
            _attributes = attributes;
        }

        public SharedParameter(string name, Type type, params string[] aliases)
            : this(name, type, aliases, () => new Attribute[0])
        {
        }

        public string Name { get; }

        public Type Type { get; }

        public string[] Aliases { get; }

        /// <summary>This parameter in the named sets of one cmdlet (no set: every set), mandatory or not.</summary>
        public SharedParameterUse In(params string[] sets) => new SharedParameterUse(this, sets, mandatory: false);

        public SharedParameterUse MandatoryIn(params string[] sets) => new SharedParameterUse(this, sets, mandatory: true);

        public SharedParameterUse Everywhere => In();

        /// <summary>The runtime-defined parameter one cmdlet offers; attributes are made anew for each, as the binder keeps them.</summary>
        internal RuntimeDefinedParameter Define(string[] sets, bool mandatory)
        {
            var attributes = new Collection<Attribute>();
            foreach (string set in sets.Length == 0 ? new[] { ParameterAttribute.AllParameterSets } : sets)
            {
                attributes.Add(new ParameterAttribute { ParameterSetName = set, Mandatory = mandatory });
            }

            if (Aliases.Length > 0)
            {
                attributes.Add(new AliasAttribute(Aliases));
            }

            foreach (Attribute attribute in _attributes())
            {
                attributes.Add(attribute);
            }

            return new RuntimeDefinedParameter(Name, Type, attributes);
        }

        public override string ToString() => "-" + Name + (Aliases.Any() ? $" ({string.Join(", ", Aliases)})" : string.Empty);
    }
}
