#!/usr/bin/python3
# Independent check of the known-answer vectors in tests/esp/test_kat_*.c:
# each expected value (copied from its RFC / NIST / GCM-spec source) is
# recomputed here with python-cryptography / hashlib and with the openssl
# command line, which share no code with our engines' call paths.
# Run: /usr/bin/python3 tests/esp/kat_verify.py   (exit 0 = all match)
import sys
import hmac, hashlib, subprocess
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
H=bytes.fromhex
bad=0
def chk(name, got, exp):
    global bad
    ok = got == exp
    if not ok: bad+=1
    print(("OK  " if ok else "BAD ")+name, "" if ok else (got.hex(), exp.hex()))
def ossl(args, data):
    return subprocess.run(["openssl"]+args, input=data, capture_output=True, check=True).stdout
# RFC 2202
c=[(H('0b'*16),b'Hi There','9294727a3638bb1c13f48ef8158bfc9d','b617318655057264e28bc0b6fb378c8ef146be00',H('0b'*20)),
   (b'Jefe',b'what do ya want for nothing?','750c783e6ab0b503eaa86e310a5db738','effcdf6ae5eb2fa2d27416d5f184df9c259a7c79',b'Jefe'),
   (H('aa'*16),H('dd'*50),'56be34521d144c88dbb8c733f0e8b3f6','125d7342b9ac11cd91a39af48aa17b4f63f175d3',H('aa'*20)),
   (bytes(range(1,26)),H('cd'*50),'697eaf0aca3a3aea3a75164746ffaa79','4c9007f4026250c6bc8414f9bf50c86c2d7235da',bytes(range(1,26))),
   (H('0c'*16),b'Test With Truncation','56461ef2342edc00f9bab995690efd4c','4c1a03424b55e07fe7f27be1d58bb9324a9a5a04',H('0c'*20)),
   (H('aa'*80),b'Test Using Larger Than Block-Size Key - Hash Key First','6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd','aa4ae5e15272d00e95705637ce8a3b55ed402112',H('aa'*80)),
   (H('aa'*80),b'Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data','6f630fad67cda0ee1fb1f562db3aa53e','e8e99d0f45237d786d6bbaa7965c7808bbff1a91',H('aa'*80))]
for i,(km,d,md5,sha1,ks) in enumerate(c,1):
    chk(f"rfc2202 md5 {i}", hmac.new(km,d,hashlib.md5).digest(), H(md5))
    chk(f"rfc2202 sha1 {i}", hmac.new(ks,d,hashlib.sha1).digest(), H(sha1))
    chk(f"rfc2202 md5 {i} openssl", H(ossl(["mac","-digest","MD5","-macopt","hexkey:"+km.hex(),"HMAC"], d).decode().strip()), H(md5))
# RFC 4231
r=[(H('0b'*20),b'Hi There','b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7','afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6','87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854'),
   (b'Jefe',b'what do ya want for nothing?','5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843','af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649','164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737'),
   (H('aa'*20),H('dd'*50),'773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe','88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27','fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb'),
   (bytes(range(1,26)),H('cd'*50),'82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b','3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb','b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd'),
   (H('aa'*131),b'Test Using Larger Than Block-Size Key - Hash Key First','60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54','4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952','80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598'),
   (H('aa'*131),b'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.','9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2','6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e','e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58')]
for i,(k,d,s256,s384,s512) in zip([1,2,3,4,6,7],r):
    chk(f"rfc4231 {i} sha256", hmac.new(k,d,hashlib.sha256).digest(), H(s256))
    chk(f"rfc4231 {i} sha384", hmac.new(k,d,hashlib.sha384).digest(), H(s384))
    chk(f"rfc4231 {i} sha512", hmac.new(k,d,hashlib.sha512).digest(), H(s512))
    chk(f"rfc4231 {i} sha512 openssl", H(ossl(["mac","-digest","SHA512","-macopt","hexkey:"+k.hex(),"HMAC"], d).decode().strip()), H(s512))
# AES-CBC: RFC 3602 cases 1-4, SP 800-38A F.2.1/F.2.3/F.2.5
cbc=[('06a9214036b8a15b512e03d534120006','3dafba429d9eb430b422da802c9fac41',b'Single block msg'.hex(),'e353779c1079aeb82708942dbe77181a'),
     ('c286696d887c9aa0611bbb3e2025a45a','562e17996d093d28ddb3ba695a2e6f58',bytes(range(32)).hex(),'d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1'),
     ('6c3ea0477630ce21a2ce334aa746c2cd','c782dc4c098c66cbd9cd27d825682c81',b'This is a 48-byte message (exactly 3 AES blocks)'.hex(),'d0a02b3836451753d493665d33f0e8862dea54cdb293abc7506939276772f8d5021c19216bad525c8579695d83ba2684'),
     ('56e47a38c5598974bc46903dba290349','8ce82eefbea0da3c44699ed7db51b7d9',bytes(range(0xa0,0xe0)).hex(),'c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e35907aa632c3ffdf868bb7b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55'),
     ('2b7e151628aed2a6abf7158809cf4f3c','000102030405060708090a0b0c0d0e0f','6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710','7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b273bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7'),
     ('8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b','000102030405060708090a0b0c0d0e0f','6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710','4f021db243bc633d7178183a9fa071e8b4d9ada9ad7dedf4e5e738763f69145a571b242012fb7ae07fa9baac3df102e008b0e27988598881d920a9e64f5615cd'),
     ('603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4','000102030405060708090a0b0c0d0e0f','6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710','f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b')]
for i,(k,iv,p,ct) in enumerate(cbc,1):
    e=Cipher(algorithms.AES(H(k)),modes.CBC(H(iv))).encryptor()
    chk(f"cbc {i}", e.update(H(p))+e.finalize(), H(ct))
    chk(f"cbc {i} openssl", ossl([f"enc",f"-aes-{len(k)*4}-cbc","-K",k,"-iv",iv,"-nopad"],H(p)), H(ct))
# RFC 3686
ctr=[('AE6852F8121067CC4BF7A5765577F39E','00000030','0000000000000000',b'Single block msg'.hex(),'E4095D4FB7A7B3792D6175A3261311B8'),
     ('7E24067817FAE0D743D6CE1F32539163','006CB6DB','C0543B59DA48D90B',bytes(range(32)).hex(),'5104A106168A72D9790D41EE8EDAD388EB2E1EFC46DA57C8FCE630DF9141BE28'),
     ('7691BE035E5020A8AC6E618529F9A0DC','00E0017B','27777F3F4A1786F0',bytes(range(36)).hex(),'C1CF48A89F2FFDD9CF4652E9EFDB72D74540A42BDE6D7836D59A5CEAAEF3105325B2072F'),
     ('16AF5B145FC9F579C175F93E3BFB0EED863D06CCFDB78515','00000048','36733C147D6D93CB',b'Single block msg'.hex(),'4B55384FE259C9C84E7935A003CBE928'),
     ('7C5CB2401B3DC33C19E7340819E0F69C678C3DB8E6F6A91A','0096B03B','020C6EADC2CB500D',bytes(range(32)).hex(),'453243FC609B23327EDFAAFA7131CD9F8490701C5AD4A79CFC1FE0FF42F4FB00'),
     ('02BF391EE8ECB159B959617B0965279BF59B60A786D3E0FE','0007BDFD','5CBD60278DCC0912',bytes(range(36)).hex(),'96893FC55E5C722F540B7DD1DDF7E758D288BC95C69165884536C811662F2188ABEE0935'),
     ('776BEFF2851DB06F4C8A0542C8696F6C6A81AF1EEC96B4D37FC1D689E6C1C104','00000060','DB5672C97AA8F0B2',b'Single block msg'.hex(),'145AD01DBF824EC7560863DC71E3E0C0'),
     ('F6D66D6BD52D59BB0796365879EFF886C66DD51A5B6A99744B50590C87A23884','00FAAC24','C1585EF15A43D875',bytes(range(32)).hex(),'F05E231B3894612C49EE000B804EB2A9B8306B508F839D6A5530831D9344AF1C'),
     ('FF7A617CE69148E4F1726E2F43581DE2AA62D9F805532EDFF1EED687FB54153D','001CC5B7','51A51D70A1C11148',bytes(range(36)).hex(),'EB6C52821D0BBBF7CE7594462ACA4FAAB407DF866569FD07F48CC0B583D6071F1EC0E6B8')]
for i,(k,n,iv,p,ct) in enumerate(ctr,1):
    blk=n+iv+'00000001'
    e=Cipher(algorithms.AES(H(k)),modes.CTR(H(blk))).encryptor()
    chk(f"ctr {i}", e.update(H(p))+e.finalize(), H(ct))
    chk(f"ctr {i} openssl", ossl(["enc",f"-aes-{len(k)*4}-ctr","-K",k,"-iv",blk],H(p)), H(ct))
# GCM spec test cases
P3='d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255'
A4='feedfacedeadbeeffeedfacedeadbeefabaddad2'
K3='feffe9928665731c6d6a8f9467308308'
IV3='cafebabefacedbaddecaf888'
gcm=[(1,'00'*16,'00'*12,'','','','58e2fccefa7e3061367f1d57a4e7455a'),
     (2,'00'*16,'00'*12,'00'*16,'','0388dace60b6a392f328c2b971b2fe78','ab6e47d42cec13bdf53a67b21257bddf'),
     (3,K3,IV3,P3,'','42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985','4d5c2af327cd64a62cf35abd2ba6fab4'),
     (4,K3,IV3,P3[:120],A4,'42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091','5bc94fbc3221a5db94fae95ae7121a47'),
     (7,'00'*24,'00'*12,'','','','cd33b28ac773f74ba00ed1f312572435'),
     (8,'00'*24,'00'*12,'00'*16,'','98e7247c07f0fe411c267e4384b0f600','2ff58d80033927ab8ef4d4587514f0fb'),
     (9,K3+K3[:16],IV3,P3,'','3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710acade256','9924a7c8587336bfb118024db8674a14'),
     (10,K3+K3[:16],IV3,P3[:120],A4,'3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710','2519498e80f1478f37ba55bd6d27618c'),
     (13,'00'*32,'00'*12,'','','','530f8afbc74536b9a963b4f1c4cb738b'),
     (14,'00'*32,'00'*12,'00'*16,'','cea7403d4d606b6e074ec5d3baf39d18','d0d1c8a799996bf0265b98b5d48ab919'),
     (15,K3+K3,IV3,P3,'','522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad','b094dac5d93471bdec1a502270e3cc6c'),
     (16,K3+K3,IV3,P3[:120],A4,'522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662','76fc6ece0f4e1768cddf8853bb2d551b')]
for (n,k,iv,p,a,c,t) in gcm:
    out=AESGCM(H(k)).encrypt(H(iv),H(p),H(a) if a else None)
    chk(f"gcm tc{n}", out, H(c+t))
# DES / 3DES
chk("des fips81", ossl(["enc","-des-cbc","-provider","legacy","-provider","default","-K","0123456789abcdef","-iv","1234567890abcdef","-nopad"],b"Now is the time for all "), H('e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6'))
chk("3des sp800-67", ossl(["enc","-des-ede3","-K","0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123","-nopad"],b"The qufck brown fox jump"), H('A826FD8CE53B855FCCE21C8112256FE668D5C05DD9B6B900'))
e=Cipher(algorithms.TripleDES(H("0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123")),modes.ECB()).encryptor()
chk("3des sp800-67 cryptography", e.update(b"The qufck brown fox jump")+e.finalize(), H('A826FD8CE53B855FCCE21C8112256FE668D5C05DD9B6B900'))
print("mismatches:", bad)
sys.exit(1 if bad else 0)
