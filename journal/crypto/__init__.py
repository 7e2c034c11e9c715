"""The journal's encryption: values sealed with a key and bound to where they are
stored (:mod:`.values`), the keys of an account and how they are wrapped (:mod:`.keys`),
recovery keys people write down (:mod:`.recovery`), and values sealed to an account's
public key by work that runs without its owner (:mod:`.sealing`)."""
