namespace PSSocket.Tls.StartTls
{
    /// <summary>Walks the few BER elements of an LDAP extended response; every read is bounds-checked and reports false on a mismatch.</summary>
    internal sealed class BerReader
    {
        private readonly byte[] _data;
        private int _position;

        public BerReader(byte[] data)
        {
            _data = data;
        }

        /// <summary>Skips one element with this tag.</summary>
        public bool Skip(byte tag) => Header(tag, out int length) && Advance(length);

        /// <summary>Steps into a constructed element with this tag: the next reads are its contents.</summary>
        public bool Enter(byte tag) => Header(tag, out _);

        public bool ReadEnumerated(out int value)
        {
            value = 0;
            if (!Header(0x0a, out int length) || length < 1 || length > 4 || _position + length > _data.Length)
            {
                return false;
            }

            for (int i = 0; i < length; i++)
            {
                value = (value << 8) | _data[_position++];
            }

            return true;
        }

        public bool ReadOctets(byte tag, out byte[] value)
        {
            value = new byte[0];
            if (!Header(tag, out int length) || _position + length > _data.Length)
            {
                return false;
            }

            value = new byte[length];
            System.Buffer.BlockCopy(_data, _position, value, 0, length);
            _position += length;
            return true;
        }

        private bool Header(byte tag, out int length)
        {
            length = 0;
            if (_position + 2 > _data.Length || _data[_position] != tag)
            {
                return false;
            }

            _position++;
            int first = _data[_position++];
            if (first < 0x80)
            {
                length = first;
                return true;
            }

            int count = first & 0x7f;
            if (count == 0 || count > 3 || _position + count > _data.Length)
            {
                return false;
            }

            for (int i = 0; i < count; i++)
            {
                length = (length << 8) | _data[_position++];
            }

            return true;
        }

        private bool Advance(int length)
        {
            if (_position + length > _data.Length)
            {
                return false;
            }

            _position += length;
            return true;
        }
    }
}
